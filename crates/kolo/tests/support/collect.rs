//! A client that behaves as ODK Collect does, step by step, from Collect's
//! source (`open-rosa` module, `OpenRosaServerInstanceUploader`):
//!
//! - every request carries `X-OpenRosa-Version: 1.0` and a `Date` in Collect's
//!   own 12-hour format;
//! - a form list is refused whole unless its content type contains `text/xml`,
//!   `X-OpenRosa-Version` is present, the root is `xforms` in the form-list
//!   namespace and every `<xform>` has formID, name and downloadUrl;
//! - forms and media are (re)downloaded only when their `md5:` hash differs from
//!   what the device holds, and a download whose MD5 differs is refused;
//! - before submitting, `HEAD /submission` must answer 204; its
//!   `X-OpenRosa-Accept-Content-Length` (10 MB when absent) decides how the
//!   files are split over several POSTs (also at most 100 files per POST), every
//!   POST but the last carrying `*isIncomplete*=yes`;
//! - only 201 and 202 are success; otherwise the submission stays on the
//!   device, to be sent again.

// Each test binary uses part of this shared module.
#![allow(dead_code)]

use std::collections::HashMap;

use md5::{Digest, Md5};
use reqwest::multipart::{Form, Part};
use reqwest::{Client, RequestBuilder, StatusCode};

const FORM_LIST_NS: &str = "http://openrosa.org/xforms/xformsList";
const MANIFEST_NS: &str = "http://openrosa.org/xforms/xformsManifest";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListedForm {
    pub form_id: String,
    pub name: String,
    pub version: Option<String>,
    pub hash: Option<String>,
    pub download_url: String,
    pub manifest_url: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MediaFile {
    pub filename: String,
    pub hash: String,
    pub download_url: String,
}

/// A form held on the device, with its media.
#[derive(Clone, Debug, Default)]
pub struct HeldForm {
    pub xml: Vec<u8>,
    pub hash: String,
    pub media: HashMap<String, Vec<u8>>,
}

/// What a POST was answered.
#[derive(Clone, Debug)]
pub struct Answer {
    pub status: StatusCode,
    /// The first `<message>` of the OpenRosaResponse, as Collect shows it.
    pub message: String,
}

impl Answer {
    pub fn success(&self) -> bool {
        self.status == StatusCode::CREATED || self.status == StatusCode::ACCEPTED
    }
}

pub struct Collect {
    pub client: Client,
    pub server_url: String,
    /// Forms on the device by formID.
    pub forms: HashMap<String, HeldForm>,
    /// How many form and media downloads happened (to check hash comparison).
    pub downloads: usize,
    /// What Collect adds to the submission URL as `?deviceID=` (its install id).
    pub device_id: Option<String>,
}

pub fn md5_hex(bytes: &[u8]) -> String {
    Md5::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Collect's Date header: `E, dd MMM yyyy hh:mm:ss zz`, with a 12-hour clock.
fn collect_date() -> String {
    jiff::Timestamp::now()
        .strftime("%a, %d %b %Y %I:%M:%S GMT")
        .to_string()
}

impl Collect {
    pub fn new(server_url: &str) -> Collect {
        Collect {
            client: Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("an HTTP client"),
            server_url: server_url.to_owned(),
            forms: HashMap::new(),
            downloads: 0,
            device_id: None,
        }
    }

    /// The same device, sending `?deviceID=` with its submissions as Collect does.
    pub fn with_device_id(mut self, id: &str) -> Collect {
        self.device_id = Some(id.to_owned());
        self
    }

    /// The submission URL, with the device's id when it has one.
    fn submission_url(&self) -> String {
        match &self.device_id {
            Some(id) => {
                let encoded: String = id
                    .bytes()
                    .map(|b| match b {
                        b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                            (b as char).to_string()
                        }
                        other => format!("%{other:02X}"),
                    })
                    .collect();
                format!("{}/submission?deviceID={encoded}", self.server_url)
            }
            None => format!("{}/submission", self.server_url),
        }
    }

    fn request(&self, method: reqwest::Method, url: &str) -> RequestBuilder {
        self.client
            .request(method, url)
            .header("X-OpenRosa-Version", "1.0")
            .header("Date", collect_date())
            // A phone set to English; the tests of Ukrainian messages say so.
            .header("Accept-Language", "en-US")
            .header(
                "User-Agent",
                "org.odk.collect.android/v2024.3.0 (Kolo test client)",
            )
    }

    /// Fetches and checks an OpenRosa XML document the way Collect does.
    async fn openrosa_xml(&self, url: &str) -> Result<String, String> {
        let response = self
            .request(reqwest::Method::GET, url)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if response.status() != StatusCode::OK {
            return Err(format!("{url} answered {}", response.status()));
        }
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        if !content_type.contains("text/xml") {
            return Err(format!(
                "{url}: content type {content_type:?} is not text/xml"
            ));
        }
        if !response.headers().contains_key("x-openrosa-version") {
            return Err(format!(
                "{url}: not an OpenRosa server (no X-OpenRosa-Version)"
            ));
        }
        response.text().await.map_err(|e| e.to_string())
    }

    pub async fn form_list(&self) -> Result<Vec<ListedForm>, String> {
        let text = self
            .openrosa_xml(&format!("{}/formList", self.server_url))
            .await?;
        let doc = roxmltree::Document::parse(&text).map_err(|e| e.to_string())?;
        let root = doc.root_element();
        if root.tag_name().name() != "xforms" || root.tag_name().namespace() != Some(FORM_LIST_NS) {
            return Err("the root is not xforms in the form-list namespace".into());
        }
        let mut forms = Vec::new();
        for xform in root.children().filter(|n| n.is_element()) {
            if xform.tag_name().namespace() != Some(FORM_LIST_NS) {
                return Err("an element outside the form-list namespace".into());
            }
            let field = |name: &str| {
                xform
                    .children()
                    .find(|n| n.is_element() && n.tag_name().name() == name)
                    .map(|n| n.text().unwrap_or_default().to_owned())
            };
            let (Some(form_id), Some(name), Some(download_url)) =
                (field("formID"), field("name"), field("downloadUrl"))
            else {
                return Err("an <xform> lacks formID, name or downloadUrl: list refused".into());
            };
            forms.push(ListedForm {
                form_id,
                name,
                version: field("version"),
                hash: field("hash").filter(|h| h.starts_with("md5:")),
                download_url,
                manifest_url: field("manifestUrl"),
            });
        }
        Ok(forms)
    }

    pub async fn manifest(&self, url: &str) -> Result<Vec<MediaFile>, String> {
        let text = self.openrosa_xml(url).await?;
        let doc = roxmltree::Document::parse(&text).map_err(|e| e.to_string())?;
        let root = doc.root_element();
        if root.tag_name().name() != "manifest" || root.tag_name().namespace() != Some(MANIFEST_NS)
        {
            return Err("the root is not manifest in the manifest namespace".into());
        }
        let mut files = Vec::new();
        for media in root.children().filter(|n| n.is_element()) {
            let field = |name: &str| {
                media
                    .children()
                    .find(|n| n.is_element() && n.tag_name().name() == name)
                    .map(|n| n.text().unwrap_or_default().to_owned())
            };
            let (Some(filename), Some(hash), Some(download_url)) =
                (field("filename"), field("hash"), field("downloadUrl"))
            else {
                return Err("a mediaFile lacks filename, hash or downloadUrl".into());
            };
            if filename.contains('/') || filename.contains("..") {
                return Err(format!("a media file name is a path: {filename}"));
            }
            files.push(MediaFile {
                filename,
                hash,
                download_url,
            });
        }
        Ok(files)
    }

    async fn download(&mut self, url: &str, hash: &str) -> Result<Vec<u8>, String> {
        let response = self
            .request(reqwest::Method::GET, url)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if response.status() != StatusCode::OK {
            return Err(format!("{url} answered {}", response.status()));
        }
        let bytes = response.bytes().await.map_err(|e| e.to_string())?.to_vec();
        self.downloads += 1;
        let got = format!("md5:{}", md5_hex(&bytes));
        if got != hash {
            return Err(format!("{url}: downloaded {got}, announced {hash}"));
        }
        Ok(bytes)
    }

    /// "Get blank form": the list, then every form and media file whose hash
    /// differs from what the device holds. Returns the form ids downloaded.
    pub async fn update_forms(&mut self) -> Result<Vec<String>, String> {
        let list = self.form_list().await?;
        let mut fetched = Vec::new();
        for listed in list {
            let hash = listed
                .hash
                .clone()
                .ok_or_else(|| format!("{} has no md5 hash", listed.form_id))?;
            let mut held = self.forms.get(&listed.form_id).cloned().unwrap_or_default();
            let mut changed = false;
            if held.hash != hash {
                held.xml = self.download(&listed.download_url, &hash).await?;
                held.hash = hash;
                changed = true;
            }
            if let Some(url) = &listed.manifest_url {
                for media in self.manifest(url).await? {
                    let current = held.media.get(&media.filename).map(|b| md5_hex(b));
                    if current.map(|c| format!("md5:{c}")) != Some(media.hash.clone()) {
                        let bytes = self.download(&media.download_url, &media.hash).await?;
                        held.media.insert(media.filename.clone(), bytes);
                        changed = true;
                    }
                }
            }
            if changed {
                fetched.push(listed.form_id.clone());
            }
            self.forms.insert(listed.form_id, held);
        }
        Ok(fetched)
    }

    /// HEAD /submission: the size the server accepts per POST.
    pub async fn preflight(&self) -> Result<u64, String> {
        let response = self
            .request(reqwest::Method::HEAD, &self.submission_url())
            .send()
            .await
            .map_err(|e| e.to_string())?;
        match response.status() {
            StatusCode::NO_CONTENT => Ok(response
                .headers()
                .get("x-openrosa-accept-content-length")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse().ok())
                .unwrap_or(10_000_000)),
            status if status.is_success() => Err(format!(
                "{status}: is this an OpenRosa submission endpoint?"
            )),
            // 404, 405 and the like: Collect goes on to POST anyway.
            _ => Ok(10_000_000),
        }
    }

    /// One multipart POST, as `OkHttpConnection.uploadSubmissionAndFiles` builds it.
    pub async fn post(
        &self,
        xml: &[u8],
        files: &[(String, Vec<u8>)],
        incomplete: bool,
    ) -> Result<Answer, String> {
        let mut form = Form::new().part(
            "xml_submission_file",
            Part::bytes(xml.to_vec())
                .file_name("submission.xml")
                .mime_str("text/xml")
                .map_err(|e| e.to_string())?,
        );
        for (name, bytes) in files {
            form = form.part(
                name.clone(),
                Part::bytes(bytes.clone())
                    .file_name(name.clone())
                    .mime_str(mime_of(name))
                    .map_err(|e| e.to_string())?,
            );
        }
        if incomplete {
            form = form.text("*isIncomplete*", "yes");
        }
        let response = self
            .request(reqwest::Method::POST, &self.submission_url())
            .multipart(form)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let status = response.status();
        let body = response.text().await.map_err(|e| e.to_string())?;
        Ok(Answer {
            status,
            message: first_message(&body),
        })
    }

    /// Sends a finalized form: preflight, then as many POSTs as the size and
    /// file-count limits need. Stops at the first failure.
    pub async fn submit(&self, xml: &[u8], files: &[(String, Vec<u8>)]) -> Result<Answer, String> {
        let limit = self.preflight().await?;
        let mut batches: Vec<Vec<(String, Vec<u8>)>> = vec![Vec::new()];
        let mut size = xml.len() as u64;
        for file in files {
            let last = batches.last_mut().expect("one batch");
            let grows = size + file.1.len() as u64;
            if !last.is_empty() && (grows > limit || last.len() >= 100) {
                batches.push(Vec::new());
                size = xml.len() as u64;
            }
            size += file.1.len() as u64;
            batches.last_mut().expect("one batch").push(file.clone());
        }
        let count = batches.len();
        let mut answer = None;
        for (i, batch) in batches.iter().enumerate() {
            let got = self.post(xml, batch, i + 1 < count).await?;
            if !got.success() {
                return Ok(got);
            }
            answer = Some(got);
        }
        Ok(answer.expect("at least one POST"))
    }
}

pub fn first_message(body: &str) -> String {
    roxmltree::Document::parse(body)
        .ok()
        .and_then(|doc| {
            doc.descendants()
                .find(|n| n.tag_name().name() == "message")
                .map(|n| n.text().unwrap_or_default().to_owned())
        })
        .unwrap_or_default()
}

fn mime_of(name: &str) -> &'static str {
    if name.ends_with(".jpg") {
        "image/jpeg"
    } else if name.ends_with(".png") {
        "image/png"
    } else {
        "application/octet-stream"
    }
}
