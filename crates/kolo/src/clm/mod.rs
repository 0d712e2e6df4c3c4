//! Community-led monitoring: XLSForm questionnaires compiled to ODK XForms.

pub mod xlsform_command;
