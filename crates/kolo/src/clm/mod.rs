//! Community-led monitoring: XLSForm questionnaires compiled to ODK XForms,
//! published to ODK Collect over OpenRosa; submissions and their files kept
//! durably (the blob store).

pub mod blobs;
pub mod commands;
pub mod openrosa;
pub mod publish;
pub mod schemas;
pub mod sort_values;
pub mod web;
pub mod xlsform_command;
