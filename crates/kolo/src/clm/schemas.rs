//! Form schemas, read once per form version. A version's XForm never changes
//! once stored, so its schema can be kept; the cache is small and simply
//! starts over when full (a server holds a handful of live forms).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use kolo_core::clm::FormVersionId;
use odk_data::FormSchema;

use crate::app::AppState;
use crate::web::AppError;

/// At most this many schemas are kept.
const CAPACITY: usize = 64;

#[derive(Default)]
pub struct SchemaCache {
    schemas: Mutex<HashMap<FormVersionId, Arc<FormSchema>>>,
}

impl SchemaCache {
    fn get(&self, version: &FormVersionId) -> Option<Arc<FormSchema>> {
        self.schemas
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(version)
            .cloned()
    }

    fn keep(&self, version: &FormVersionId, schema: Arc<FormSchema>) {
        let mut schemas = self
            .schemas
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if schemas.len() >= CAPACITY {
            schemas.clear();
        }
        schemas.insert(version.clone(), schema);
    }
}

/// The schema of a form version's XForm.
pub(crate) async fn schema_of(
    app: &AppState,
    version: &FormVersionId,
) -> Result<Arc<FormSchema>, AppError> {
    if let Some(schema) = app.schemas.get(version) {
        return Ok(schema);
    }
    let xml = app
        .store
        .form_version_xml(version)
        .await?
        .ok_or(AppError::NotFound)?;
    let schema = Arc::new(
        FormSchema::from_xform(&xml)
            .map_err(|e| AppError::Internal(format!("a stored XForm cannot be read: {e}")))?,
    );
    app.schemas.keep(version, schema.clone());
    Ok(schema)
}
