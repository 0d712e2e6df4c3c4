//! Question types: what control and bind each XLSForm type produces.
//!
//! The table follows pyxform 4.x, legacy aliases included (`int`, `gps`, `q note`,
//! `add text prompt`, ...), so old forms keep working.

/// The body control a question becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    Input,
    Select1,
    Select,
    Rank,
    Range,
    Trigger,
    Upload(&'static str),
    /// Not shown: `odk:setgeopoint` or `odk:recordaudio` actions.
    Action,
    /// No control at all: calculate, hidden, metadata.
    None,
}

impl Control {
    pub fn tag(self) -> Option<&'static str> {
        Some(match self {
            Control::Input => "input",
            Control::Select1 => "select1",
            Control::Select => "select",
            Control::Rank => "odk:rank",
            Control::Range => "range",
            Control::Trigger => "trigger",
            Control::Upload(_) => "upload",
            Control::Action | Control::None => return None,
        })
    }
}

/// What a type name means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeSpec {
    /// The canonical name (`integer` for `int`, `note` for `q note`).
    pub name: &'static str,
    pub control: Control,
    /// Bind attributes in pyxform's order.
    pub bind: Vec<(&'static str, &'static str)>,
    /// A hint some legacy types add.
    pub hint: Option<&'static str>,
}

fn spec(name: &'static str, control: Control, bind: &[(&'static str, &'static str)]) -> TypeSpec {
    TypeSpec {
        name,
        control,
        bind: bind.to_vec(),
        hint: None,
    }
}

fn preload(
    name: &'static str,
    kind: &'static str,
    ty: &'static str,
    param: &'static str,
) -> TypeSpec {
    spec(
        name,
        Control::None,
        &[
            ("jr:preload", kind),
            ("type", ty),
            ("jr:preloadParams", param),
        ],
    )
}

/// Looks a (non-select, non-group) type up.
pub fn lookup(type_name: &str) -> Option<TypeSpec> {
    use Control::*;
    let string = &[("type", "string")][..];
    let s = match type_name {
        "text" | "string" | "q string" | "add text prompt" => spec("text", Input, string),
        "integer" | "int" | "q int" | "add integer prompt" => {
            spec("integer", Input, &[("type", "int")])
        }
        "decimal" | "q decimal" | "add decimal prompt" => {
            spec("decimal", Input, &[("type", "decimal")])
        }
        "date" | "q date" | "add date prompt" => spec("date", Input, &[("type", "date")]),
        "time" => spec("time", Input, &[("type", "time")]),
        "dateTime"
        | "datetime"
        | "date time"
        | "q date time"
        | "q dateTime"
        | "add date time prompt"
        | "add dateTime prompt" => spec("dateTime", Input, &[("type", "dateTime")]),
        "geopoint" | "gps" | "location" | "q geopoint" | "q location" | "add location prompt" => {
            spec("geopoint", Input, &[("type", "geopoint")])
        }
        "geotrace" | "q geotrace" => spec("geotrace", Input, &[("type", "geotrace")]),
        "geoshape" | "q geoshape" => spec("geoshape", Input, &[("type", "geoshape")]),
        "barcode" | "q barcode" | "add barcode prompt" => {
            spec("barcode", Input, &[("type", "barcode")])
        }
        "note" | "q note" | "add note prompt" => {
            spec("note", Input, &[("readonly", "true()"), ("type", "string")])
        }
        "acknowledge" | "q acknowledge" | "add acknowledge prompt" => {
            spec("acknowledge", Trigger, string)
        }
        "trigger" => spec("trigger", Trigger, &[]),
        "calculate" | "q calculate" | "add calculate prompt" => spec("calculate", None, string),
        "hidden" => spec("hidden", None, string),
        "image" | "photo" | "q picture" | "q image" | "add image prompt" | "add photo prompt" => {
            spec("image", Upload("image/*"), &[("type", "binary")])
        }
        "audio" | "q audio" | "add audio prompt" => {
            spec("audio", Upload("audio/*"), &[("type", "binary")])
        }
        "video" | "q video" | "add video prompt" => {
            spec("video", Upload("video/*"), &[("type", "binary")])
        }
        "file" | "add file prompt" => spec("file", Upload("application/*"), &[("type", "binary")]),
        "osm" => spec("osm", Upload("osm/*"), &[("type", "binary")]),
        "range" => spec("range", Range, &[("type", "int")]),
        "audit" => spec("audit", None, &[("type", "binary")]),
        "start-geopoint" => spec("start-geopoint", Action, &[("type", "geopoint")]),
        "background-audio" => spec("background-audio", Action, &[("type", "binary")]),
        // Recorded by an `odk:setgeopoint` in the control of its trigger.
        "background-geopoint" => spec("background-geopoint", None, &[("type", "geopoint")]),
        "xml-external" => spec("xml-external", None, &[]),
        "csv-external" => spec("csv-external", None, &[]),
        "start" | "start time" | "get start time" => {
            preload("start", "timestamp", "dateTime", "start")
        }
        "end" | "end time" | "get end time" => preload("end", "timestamp", "dateTime", "end"),
        "today" | "get today" => preload("today", "date", "date", "today"),
        "deviceid" | "imei" | "device id" | "get device id" => {
            preload("deviceid", "property", "string", "deviceid")
        }
        "phonenumber" | "get phone number" => {
            preload("phonenumber", "property", "string", "phonenumber")
        }
        "simserial" | "sim id" | "get sim id" => {
            preload("simserial", "property", "string", "simserial")
        }
        "subscriberid" | "subscriber id" | "get subscriber id" => {
            preload("subscriberid", "property", "string", "subscriberid")
        }
        "username" => preload("username", "property", "string", "username"),
        "email" => preload("email", "property", "string", "email"),
        "uri:username" => preload("uri:username", "property", "string", "uri:username"),
        "uri:email" => preload("uri:email", "property", "string", "uri:email"),
        "uri:deviceid" => preload("uri:deviceid", "property", "string", "uri:deviceid"),
        "uri:phonenumber" => preload("uri:phonenumber", "property", "string", "uri:phonenumber"),
        "uri:simserial" => preload("uri:simserial", "property", "string", "uri:simserial"),
        "uri:subscriberid" => preload("uri:subscriberid", "property", "string", "uri:subscriberid"),
        "percentage" => spec(
            "percentage",
            Input,
            &[("type", "int"), ("constraint", "0 <= . and . <= 100")],
        ),
        "phone number" => TypeSpec {
            hint: Some("Enter numbers only."),
            ..spec(
                "phone number",
                Input,
                &[("type", "string"), ("constraint", "regex(., '^\\d*$')")],
            )
        },
        "number of days in last month" => TypeSpec {
            hint: Some("Enter a number 0-31."),
            ..spec(
                type_name_static(type_name),
                Input,
                &[("type", "int"), ("constraint", "0 <= . and . <= 31")],
            )
        },
        "number of days in last six months" => TypeSpec {
            hint: Some("Enter a number 0-183."),
            ..spec(
                type_name_static(type_name),
                Input,
                &[("type", "int"), ("constraint", "0 <= . and . <= 183")],
            )
        },
        "number of days in last year" => TypeSpec {
            hint: Some("Enter a number 0-365."),
            ..spec(
                type_name_static(type_name),
                Input,
                &[("type", "int"), ("constraint", "0 <= . and . <= 365")],
            )
        },
        _ => return Option::None,
    };
    Some(s)
}

fn type_name_static(name: &str) -> &'static str {
    match name {
        "number of days in last month" => "number of days in last month",
        "number of days in last six months" => "number of days in last six months",
        _ => "number of days in last year",
    }
}

/// Every type name a person may write, for "did you mean" suggestions.
pub const KNOWN_TYPES: &[&str] = &[
    "text",
    "integer",
    "decimal",
    "date",
    "time",
    "dateTime",
    "geopoint",
    "geotrace",
    "geoshape",
    "barcode",
    "note",
    "acknowledge",
    "trigger",
    "calculate",
    "hidden",
    "image",
    "audio",
    "video",
    "file",
    "range",
    "audit",
    "start",
    "end",
    "today",
    "deviceid",
    "phonenumber",
    "username",
    "email",
    "start-geopoint",
    "background-audio",
    "background-geopoint",
    "xml-external",
    "csv-external",
    "select_one",
    "select_multiple",
    "select_one_from_file",
    "select_multiple_from_file",
    "select_one_external",
    "rank",
    "begin_group",
    "end_group",
    "begin_repeat",
    "end_repeat",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_aliases_mean_the_same_as_their_modern_names() {
        assert_eq!(lookup("int"), lookup("integer"));
        assert_eq!(lookup("gps").map(|s| s.name), Some("geopoint"));
        assert_eq!(lookup("imei").map(|s| s.name), Some("deviceid"));
        assert_eq!(lookup("q note").map(|s| s.control), Some(Control::Input));
    }

    #[test]
    fn media_types_upload_with_their_mediatype() {
        assert_eq!(
            lookup("photo").map(|s| s.control),
            Some(Control::Upload("image/*"))
        );
        assert!(lookup("photograph").is_none());
    }
}
