//! The OpenAPI 3.1 document, generated from the route table so that it lists
//! exactly the endpoints that exist, with the roles each one allows.

use axum::Json;
use axum::extract::State;
use serde_json::{Map, Value, json};

use crate::app::AppState;
use crate::web::{Access, RouteSpec, RouteTable};

pub fn routes() -> RouteTable {
    RouteTable::new().get("/api/v1/openapi.json", Access::Public, document)
}

async fn document(State(app): State<AppState>) -> Json<Value> {
    Json(build(app.routes.specs()))
}

/// The document for the given routes (only those with API documentation).
pub fn build(specs: &[RouteSpec]) -> Value {
    let mut paths = Map::new();
    for spec in specs {
        let Some(doc) = spec.api else { continue };
        let allowed = match spec.access {
            Access::Public => "anyone".to_owned(),
            Access::SignInStep => "anyone midway through signing in".to_owned(),
            Access::AppUser => "a field device with an app-user token".to_owned(),

            Access::Staff(action) => action
                .allowed_roles()
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        };
        let mut operation = json!({
            "summary": doc.summary,
            "description": format!("Roles allowed: {allowed}."),
            "responses": {
                "200": {
                    "description": "Success",
                    "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{}", doc.response) } } }
                },
                "401": error_response("No valid API token was sent"),
                "403": error_response("The token's account may not do this"),
            }
        });
        if let Some(media) = spec.api_response_file {
            operation["responses"]["200"] = json!({
                "description": "A file, streamed",
                "content": { media: { "schema": { "type": "string", "format": "binary" } } }
            });
        }
        if spec.api_request.is_some() || !spec.api_request_files.is_empty() {
            let mut content = Map::new();
            if let Some(request) = spec.api_request {
                content.insert(
                    "application/json".into(),
                    json!({ "schema": { "$ref": format!("#/components/schemas/{request}") } }),
                );
            }
            for media in spec.api_request_files {
                content.insert(
                    (*media).to_owned(),
                    json!({ "schema": { "type": "string", "format": "binary" } }),
                );
            }
            operation["requestBody"] = json!({ "required": true, "content": content });
            operation["responses"]["422"] =
                error_response("The body is not valid; `fields` names each problem");
        }
        let parameters = path_parameters(spec.path);
        if !parameters.is_empty() {
            operation["parameters"] = Value::Array(parameters);
            operation["responses"]["404"] = error_response("Nothing has this id");
        }
        if let Access::Public = spec.access {
            operation["security"] = json!([]);
        }
        let entry = paths
            .entry(spec.path.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
        entry[spec.method.as_str().to_ascii_lowercase()] = operation;
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Kolo API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Send a personal API token (created on your account page) as `Authorization: Bearer TOKEN`. \
                            Errors are JSON objects with `error` (a stable code) and `message` (for people)."
        },
        "servers": [{ "url": "/" }],
        "security": [{ "bearer": [] }],
        "paths": paths,
        "components": {
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer" } },
            "schemas": schemas(),
        }
    })
}

fn error_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } }
    })
}

fn path_parameters(path: &str) -> Vec<Value> {
    path.split('/')
        .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
        .map(|name| json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string" } }))
        .collect()
}

fn schemas() -> Value {
    let mut schemas = core_schemas();
    if let (Value::Object(all), Value::Object(events)) =
        (&mut schemas, crate::events::api_schemas())
    {
        all.extend(events);
    }
    if let (Value::Object(all), Value::Object(clm)) = (&mut schemas, crate::clm::web::api_schemas())
    {
        all.extend(clm);
    }
    schemas
}

fn core_schemas() -> Value {
    json!({
        "Error": {
            "type": "object",
            "required": ["error", "message"],
            "properties": {
                "error": { "type": "string", "description": "A stable code, e.g. `forbidden`." },
                "message": { "type": "string", "description": "An explanation in the requested language." },
                "fields": {
                    "type": "object",
                    "additionalProperties": { "type": "string" },
                    "description": "For `invalid` bodies: each faulty field (or `rows[3].day`) with what is wrong."
                }
            }
        },
        "User": {
            "type": "object",
            "required": ["id", "login", "display_name", "roles", "disabled"],
            "properties": {
                "id": { "type": "string" },
                "login": { "type": "string" },
                "display_name": { "type": "string" },
                "roles": { "type": "array", "items": { "type": "string", "enum": ["admin", "coordinator", "trainer", "monitor", "case_worker", "viewer"] } },
                "oblast": { "type": ["string", "null"], "description": "ISO 3166-2:UA code" },
                "language": { "type": ["string", "null"], "enum": ["uk", "en", null] },
                "disabled": { "type": "boolean" }
            }
        },
        "UserList": {
            "type": "object",
            "required": ["users"],
            "properties": { "users": { "type": "array", "items": { "$ref": "#/components/schemas/User" } } }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_api_route_is_in_the_document_with_a_known_schema() {
        let (_, specs) = crate::app::routes().into_parts();
        let document = build(&specs);
        let schemas = &document["components"]["schemas"];
        let api_routes: Vec<_> = specs.iter().filter(|s| s.api.is_some()).collect();
        assert!(!api_routes.is_empty());
        for spec in api_routes {
            let operation =
                &document["paths"][spec.path][spec.method.as_str().to_ascii_lowercase()];
            assert!(
                operation.is_object(),
                "{} {} is missing",
                spec.method,
                spec.path
            );
            let response = spec.api.map(|d| d.response).unwrap_or_default();
            assert!(
                schemas[response].is_object(),
                "schema {response} is not defined"
            );
            if let Some(request) = spec.api_request {
                assert!(
                    schemas[request].is_object(),
                    "schema {request} is not defined"
                );
            }
        }
        for spec in specs
            .iter()
            .filter(|s| s.path.starts_with("/api/") && s.api.is_none())
        {
            assert_eq!(
                spec.path, "/api/v1/openapi.json",
                "{} has no API documentation",
                spec.path
            );
        }
    }
}
