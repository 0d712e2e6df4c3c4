//! Materials of an event: upload (size limit and content check), download,
//! delete.

use axum::extract::multipart::Multipart;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::handler::Handler;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use kolo_core::auth::Action;
use kolo_core::events::{
    EventAccess, MAX_MATERIAL_BYTES, MaterialInfo, MaterialProblem, check_material, clean_file_name,
};
use kolo_core::ids::new_id;
use kolo_core::time::Timestamp;

use super::event_for;
use super::web::render_event_page;
use crate::app::AppState;
use crate::web::upload::{Capped, read_capped};
use crate::web::url::encode_component;
use crate::web::{Access, AppError, RequestContext, RouteTable, Staff, i18n};

pub fn routes() -> RouteTable {
    RouteTable::new()
        .post(
            "/events/{id}/materials",
            Access::Staff(Action::ManageEvents),
            // Room for the multipart framing around a file of the largest size;
            // anything larger is answered with the size message, not dropped.
            upload.layer(DefaultBodyLimit::max(MAX_MATERIAL_BYTES + 64 * 1024)),
        )
        .get(
            "/events/{id}/materials/{material}",
            Access::Staff(Action::ViewEvents),
            download,
        )
        .post(
            "/events/{id}/materials/{material}/delete",
            Access::Staff(Action::ManageEvents),
            delete,
        )
}

/// The uploaded file, or why it is refused.
struct Upload {
    name: String,
    declared_type: String,
    bytes: Vec<u8>,
}

async fn read_upload(multipart: &mut Multipart) -> Result<Option<Upload>, MaterialProblem> {
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => return Ok(None),
            Err(error) if error.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(MaterialProblem::TooLarge);
            }
            Err(_) => return Ok(None),
        };
        if field.name() != Some("file") {
            continue;
        }
        let name = clean_file_name(field.file_name().unwrap_or_default());
        let declared_type = field.content_type().unwrap_or_default().to_owned();
        let mut field = field;
        let bytes = match read_capped(&mut field, MAX_MATERIAL_BYTES).await {
            Capped::Whole(bytes) => bytes,
            Capped::TooLarge => return Err(MaterialProblem::TooLarge),
            Capped::Broken => return Ok(None),
        };
        return Ok(Some(Upload {
            name,
            declared_type,
            bytes,
        }));
    }
}

async fn upload(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Path(id): Path<String>,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let (event, _) = event_for(&app, &staff, &id, EventAccess::Manage).await?;
    let problem = match read_upload(&mut multipart).await {
        Ok(Some(upload)) => {
            match check_material(&upload.name, &upload.declared_type, &upload.bytes) {
                Ok(kind) => {
                    let info = MaterialInfo {
                        id: new_id(),
                        event_id: event.id.0.clone(),
                        file_name: upload.name,
                        content_type: kind.content_type().to_owned(),
                        size: upload.bytes.len() as u64,
                        uploaded_by: Some(staff.user.id.clone()),
                        uploaded_at: Timestamp::now(),
                    };
                    app.store.add_material(&info, &upload.bytes).await?;
                    // The file's name may say who it is about: only its kind and size.
                    app.audit(
                        &ctx,
                        "event.material_add",
                        &format!("event:{}", event.id),
                        serde_json::json!({
                            "material": info.id,
                            "content_type": info.content_type,
                            "bytes": info.size,
                        }),
                    )
                    .await?;
                    return Ok(
                        Redirect::to(&format!("/events/{id}?notice=uploaded#materials"))
                            .into_response(),
                    );
                }
                Err(problem) => problem,
            }
        }
        Ok(None) => MaterialProblem::Empty,
        Err(problem) => problem,
    };
    let message = i18n::text_with(
        ctx.lang,
        problem.message_id(),
        &[("max", format!("{} MB", MAX_MATERIAL_BYTES / (1024 * 1024)))],
    );
    let page = render_event_page(&app, &ctx, &staff, &id, Some(message), None).await?;
    // 422 even for a file that is too large: the error layer would replace a
    // 413 with its generic page, and the person needs the form back.
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

async fn download(
    State(app): State<AppState>,
    staff: Staff,
    Path((id, material)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let (event, _) = event_for(&app, &staff, &id, EventAccess::Details).await?;
    let (info, bytes) = app
        .store
        .material(&event.id, &material)
        .await?
        .ok_or(AppError::NotFound)?;
    let disposition = format!(
        "attachment; filename=\"material\"; filename*=UTF-8''{}",
        encode_component(&info.file_name)
    );
    Ok((
        [
            (header::CONTENT_TYPE, info.content_type),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

async fn delete(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Path((id, material)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let (event, _) = event_for(&app, &staff, &id, EventAccess::Manage).await?;
    match app.store.delete_material(&event.id, &material).await {
        Ok(()) => {
            app.audit(
                &ctx,
                "event.material_delete",
                &format!("event:{}", event.id),
                serde_json::json!({ "material": material }),
            )
            .await?;
            Ok(Redirect::to(&format!("/events/{id}?notice=deleted#materials")).into_response())
        }
        Err(kolo_core::StoreError::NotFound(_)) => Err(AppError::NotFound),
        Err(error) => Err(error.into()),
    }
}
