//! The route table: every route is added with the access it requires, so the
//! guard can check it in one place and a test can walk them all.

use std::collections::HashMap;

use axum::Router;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{MethodFilter, on};
use kolo_core::auth::Action;

use crate::app::AppState;

/// Who may reach a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not (login page, health check, stylesheet).
    Public,
    /// Signed-in staff whose roles allow the action.
    Staff(Action),
    /// A step of signing in (the second factor, setting it up): anyone with a
    /// session, finished or not.
    SignInStep,
    /// A field device (ODK Collect) whose app-user token in the path
    /// (`/v1/key/{token}/projects/{project}/…`) is live and belongs to that
    /// project, or whose draft token (`/v1/test/{token}/projects/{project}/forms/{form}/draft…`)
    /// opens that form's draft; checked by `clm::openrosa::device_guard`. No
    /// cookie, no CSRF.
    AppUser,
}

/// What the OpenAPI document says about a JSON endpoint.
#[derive(Clone, Copy, Debug)]
pub struct ApiDoc {
    pub summary: &'static str,
    /// The name of the response schema in `api::openapi`.
    pub response: &'static str,
}

/// One route of the server.
#[derive(Clone, Debug)]
pub struct RouteSpec {
    pub method: Method,
    /// The path pattern, as axum matches it (`/admin/users/{id}`).
    pub path: &'static str,
    pub access: Access,
    pub api: Option<ApiDoc>,
    /// The name of the JSON request body's schema in `api::openapi`, if any.
    pub api_request: Option<&'static str>,
    /// Media types of a file the body may be instead of JSON (an uploaded form).
    pub api_request_files: &'static [&'static str],
    /// The media type of a file answered instead of JSON (an export).
    pub api_response_file: Option<&'static str>,
}

/// Builds the router and the table of routes together, so no route can exist
/// without a declared access.
pub struct RouteTable {
    router: Router<AppState>,
    specs: Vec<RouteSpec>,
}

impl Default for RouteTable {
    fn default() -> Self {
        RouteTable {
            router: Router::new(),
            specs: Vec::new(),
        }
    }
}

impl RouteTable {
    pub fn new() -> RouteTable {
        RouteTable::default()
    }

    pub fn get<H, T>(self, path: &'static str, access: Access, handler: H) -> RouteTable
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::GET, path, access, None, handler)
    }

    pub fn post<H, T>(self, path: &'static str, access: Access, handler: H) -> RouteTable
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::POST, path, access, None, handler)
    }

    /// A JSON endpoint under `/api/v1`, described in the OpenAPI document.
    pub fn api_get<H, T>(
        self,
        path: &'static str,
        access: Access,
        doc: ApiDoc,
        handler: H,
    ) -> RouteTable
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::GET, path, access, Some(doc), handler)
    }

    /// A JSON endpoint under `/api/v1` that takes a JSON body described by the
    /// schema `request`.
    pub fn api_post<H, T>(
        self,
        path: &'static str,
        access: Access,
        doc: ApiDoc,
        request: &'static str,
        handler: H,
    ) -> RouteTable
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::POST, path, access, Some(doc), handler)
            .describe_last(|spec| spec.api_request = Some(request))
    }

    /// A JSON endpoint that replaces a resource with the JSON body described
    /// by the schema `request`.
    pub fn api_put<H, T>(
        self,
        path: &'static str,
        access: Access,
        doc: ApiDoc,
        request: &'static str,
        handler: H,
    ) -> RouteTable
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::PUT, path, access, Some(doc), handler)
            .describe_last(|spec| spec.api_request = Some(request))
    }

    /// A JSON endpoint that deletes a resource (no body).
    pub fn api_delete<H, T>(
        self,
        path: &'static str,
        access: Access,
        doc: ApiDoc,
        handler: H,
    ) -> RouteTable
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::DELETE, path, access, Some(doc), handler)
    }

    fn add<H, T>(
        mut self,
        method: Method,
        path: &'static str,
        access: Access,
        api: Option<ApiDoc>,
        handler: H,
    ) -> RouteTable
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let filter = MethodFilter::try_from(method.clone())
            .unwrap_or_else(|_| panic!("route {path}: {method} cannot be routed"));
        self.router = self.router.route(path, on(filter, handler));
        self.specs.push(RouteSpec {
            method,
            path,
            access,
            api,
            api_request: None,
            api_request_files: &[],
            api_response_file: None,
        });
        self
    }

    /// A JSON-API endpoint whose body is a file of one of `media` types (or,
    /// with `json` named, that JSON schema as well).
    pub fn api_upload<H, T>(
        self,
        path: &'static str,
        access: Access,
        doc: ApiDoc,
        json: Option<&'static str>,
        media: &'static [&'static str],
        handler: H,
    ) -> RouteTable
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::POST, path, access, Some(doc), handler)
            .describe_last(|spec| {
                spec.api_request = json;
                spec.api_request_files = media;
            })
    }

    /// A JSON-API endpoint that answers a file of type `media` (an export);
    /// errors are JSON as elsewhere.
    pub fn api_download<H, T>(
        self,
        path: &'static str,
        access: Access,
        doc: ApiDoc,
        media: &'static str,
        handler: H,
    ) -> RouteTable
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::GET, path, access, Some(doc), handler)
            .describe_last(|spec| spec.api_response_file = Some(media))
    }

    /// Completes the route just added with what the OpenAPI document says of
    /// its body or its answer.
    fn describe_last(mut self, describe: impl FnOnce(&mut RouteSpec)) -> RouteTable {
        if let Some(spec) = self.specs.last_mut() {
            describe(spec);
        }
        self
    }

    pub fn merge(mut self, other: RouteTable) -> RouteTable {
        self.router = self.router.merge(other.router);
        self.specs.extend(other.specs);
        self
    }

    pub fn into_parts(self) -> (Router<AppState>, Vec<RouteSpec>) {
        (self.router, self.specs)
    }
}

/// What the table says about a matched route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Declared {
    Access(Access),
    /// The path exists, but not with this method (answered 405).
    OtherMethods,
    /// The router knows the path but the table does not: denied.
    Nothing,
}

/// Finds a route's access by method and matched path pattern.
#[derive(Clone, Debug, Default)]
pub struct RouteIndex {
    access: HashMap<&'static str, Vec<(Method, Access)>>,
    specs: Vec<RouteSpec>,
}

impl RouteIndex {
    pub fn new(specs: Vec<RouteSpec>) -> RouteIndex {
        let mut access: HashMap<&'static str, Vec<(Method, Access)>> = HashMap::new();
        for spec in &specs {
            access
                .entry(spec.path)
                .or_default()
                .push((spec.method.clone(), spec.access));
        }
        RouteIndex { access, specs }
    }

    /// The declared access of a matched route; `HEAD` is answered by the `GET` route.
    pub fn lookup(&self, method: &Method, path: &str) -> Declared {
        let method = if method == Method::HEAD {
            &Method::GET
        } else {
            method
        };
        let Some(methods) = self.access.get(path) else {
            return Declared::Nothing;
        };
        match methods.iter().find(|(m, _)| m == method) {
            Some((_, access)) => Declared::Access(*access),
            None => Declared::OtherMethods,
        }
    }

    pub fn specs(&self) -> &[RouteSpec] {
        &self.specs
    }
}
