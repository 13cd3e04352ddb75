//! The sources below code: environment variables and okta.yaml files, read as raw text per key.

use super::*;

/// One non-code source: raw text values by key name.
pub(super) struct Layer {
    pub(super) values: HashMap<&'static str, SecretString>,
    pub(super) source: LayerSource,
}

pub(super) enum LayerSource {
    Env,
    File(PathBuf),
}

pub(super) struct Layers(pub(super) Vec<Layer>);

impl Layers {
    /// The winning raw value for `key` and its source.
    pub(super) fn pick(&self, key: &Key) -> Option<(&SecretString, ConfigSource)> {
        self.0.iter().find_map(|layer| {
            layer.values.get(key.name).map(|v| {
                let src = match &layer.source {
                    LayerSource::Env => ConfigSource::Environment { var: key.env },
                    LayerSource::File(p) => ConfigSource::File { path: p.clone() },
                };
                (v, src)
            })
        })
    }
}

pub(super) fn env_layer(env: &EnvSource) -> Layer {
    let mut values = HashMap::new();
    for k in ALL_KEYS {
        let v = match env {
            EnvSource::Process => std::env::var_os(k.env).map(|v| SecretString::new(v.to_string_lossy().into_owned())),
            EnvSource::Map(m) => m.get(k.env).cloned(),
        };
        if let Some(v) = v.filter(|v| !v.expose_secret().trim().is_empty()) {
            values.insert(k.name, v);
        }
    }
    Layer { values, source: LayerSource::Env }
}

/// Reads a YAML layer; a missing file is no layer.
pub(super) fn yaml_layer(path: &Path) -> Result<Option<Layer>, ConfigError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => Zeroizing::new(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(ConfigError::Io { path: path.to_owned(), source: e }),
    };
    let doc: serde_norway::Value = serde_norway::from_str(&text).map_err(|e| ConfigError::Yaml {
        path: path.to_owned(),
        line: e.location().map(|l| l.line()),
        message: e.to_string(),
    })?;
    let origin = || ConfigSource::File { path: path.to_owned() };
    let mut values = HashMap::new();
    for k in ALL_KEYS {
        let mut node = &doc;
        let mut found = true;
        for seg in k.path {
            match node {
                serde_norway::Value::Mapping(m) => match m.get(*seg) {
                    Some(n) => node = n,
                    None => {
                        found = false;
                        break;
                    }
                },
                serde_norway::Value::Null => {
                    found = false;
                    break;
                }
                _ => {
                    return Err(invalid(k, None, origin(), "expected a YAML mapping on the way to this key"));
                }
            }
        }
        if !found {
            continue;
        }
        let text = match node {
            serde_norway::Value::Null => continue,
            serde_norway::Value::Sequence(items) if k.list => {
                let mut parts = Vec::with_capacity(items.len());
                for item in items {
                    match yaml_scalar(item) {
                        Some(s) => parts.push(s),
                        None => return Err(invalid(k, None, origin(), "list items must be strings")),
                    }
                }
                parts.join(" ")
            }
            other => match yaml_scalar(other) {
                Some(s) => s,
                None => {
                    let what = if k.list { "a string or a list" } else { "a single value" };
                    return Err(invalid(k, None, origin(), &format!("expected {what}")));
                }
            },
        };
        if !text.trim().is_empty() {
            values.insert(k.name, SecretString::new(text));
        }
    }
    Ok(Some(Layer { values, source: LayerSource::File(path.to_owned()) }))
}

pub(super) fn yaml_scalar(v: &serde_norway::Value) -> Option<String> {
    match v {
        serde_norway::Value::String(s) => Some(s.clone()),
        serde_norway::Value::Number(n) => Some(n.to_string()),
        serde_norway::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}
