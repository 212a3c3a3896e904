//! Python values to `--set` text and TOML values back to Python.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};

/// A Python value as the text `--set KEY=VALUE` would take: the same rules then apply (a
/// string is TOML syntax, or a bare word taken as a string). NaN and ±inf become TOML's `nan`
/// and `inf`, which the config's finiteness check refuses by key, as the CLI does.
pub fn set_text(value: &Bound<'_, PyAny>) -> PyResult<String> {
    if value.is_instance_of::<PyBool>() {
        return Ok(if value.extract::<bool>()? {
            "true"
        } else {
            "false"
        }
        .into());
    }
    if value.is_instance_of::<PyInt>() {
        return Ok(value.str()?.to_string());
    }
    if value.is_instance_of::<PyFloat>() {
        let v: f64 = value.extract()?;
        return Ok(if v.is_nan() {
            "nan".into()
        } else if v.is_infinite() {
            if v > 0.0 { "inf" } else { "-inf" }.into()
        } else {
            // Debug formatting of f64 is the shortest text that reads back to the same value.
            format!("{v:?}")
        });
    }
    if value.is_instance_of::<PyString>() {
        return value.extract::<String>();
    }
    if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
        let items: PyResult<Vec<String>> = value
            .try_iter()?
            .map(|item| {
                let item = item?;
                let text = set_text(&item)?;
                // Inside an array a bare word must be quoted to stay a string.
                Ok(if item.is_instance_of::<PyString>() {
                    toml::Value::String(text).to_string()
                } else {
                    text
                })
            })
            .collect();
        return Ok(format!("[{}]", items?.join(", ")));
    }
    // numpy scalars and other numbers: through float.
    if let Ok(v) = value.extract::<f64>() {
        return set_text(&PyFloat::new(value.py(), v).into_any());
    }
    Err(PyTypeError::new_err(format!(
        "a config value must be a bool, int, float, str or list, not {}",
        value.get_type().name()?
    )))
}

/// A TOML value as the matching Python object.
pub fn to_python<'py>(py: Python<'py>, v: &toml::Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        toml::Value::String(s) => s.into_pyobject(py)?.into_any(),
        toml::Value::Integer(i) => i.into_pyobject(py)?.into_any(),
        toml::Value::Float(f) => f.into_pyobject(py)?.into_any(),
        toml::Value::Boolean(b) => PyBool::new(py, *b).to_owned().into_any(),
        toml::Value::Datetime(d) => d.to_string().into_pyobject(py)?.into_any(),
        toml::Value::Array(a) => {
            let items: PyResult<Vec<Bound<'py, PyAny>>> =
                a.iter().map(|x| to_python(py, x)).collect();
            PyList::new(py, items?)?.into_any()
        }
        toml::Value::Table(t) => {
            let d = PyDict::new(py);
            for (k, x) in t {
                d.set_item(k, to_python(py, x)?)?;
            }
            d.into_any()
        }
    })
}

/// The value at a dotted key (array entries by index) of a TOML table.
pub fn lookup<'a>(table: &'a toml::Table, key: &str) -> Option<&'a toml::Value> {
    let mut parts = key.split('.');
    let mut cur = table.get(parts.next()?)?;
    for part in parts {
        cur = match cur {
            toml::Value::Table(t) => t.get(part)?,
            toml::Value::Array(a) => a.get(part.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}
