//! JSON read as serde_json reads it, except that an object naming one key
//! twice is refused: `{"amount": "1.00", "amount": "100000.00"}` means
//! nothing a client can rely on (serde_json keeps the last, other parsers
//! the first), so the error names the key (`lines[0].amount`).

use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// What went wrong reading a body: not JSON, or a key given twice.
#[derive(Debug)]
pub enum Refused {
    Malformed(serde_json::Error),
    DuplicateKey(String),
}

const DUPLICATE: &str = "duplicate key: ";

/// Reads `bytes` as one JSON value, refusing a key given twice in an object.
pub fn from_slice(bytes: &[u8]) -> Result<Value, Refused> {
    let mut reader = serde_json::Deserializer::from_slice(bytes);
    let value = Strict { at: String::new() }
        .deserialize(&mut reader)
        .and_then(|value| reader.end().map(|()| value));
    value.map_err(|error| {
        let text = error.to_string();
        match text.strip_prefix(DUPLICATE) {
            Some(rest) => Refused::DuplicateKey(
                rest.rsplit_once(" at line ")
                    .map_or(rest, |(field, _)| field)
                    .to_owned(),
            ),
            None => Refused::Malformed(error),
        }
    })
}

/// A value found at `at` (`""` for the whole body).
struct Strict {
    at: String,
}

impl Strict {
    fn within(&self, member: &str) -> Self {
        let at = if self.at.is_empty() {
            member.to_owned()
        } else {
            format!("{}.{member}", self.at)
        };
        Self { at }
    }
}

impl<'de> DeserializeSeed<'de> for Strict {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        self.deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(Strict {
            at: format!("{}[{}]", self.at, items.len()),
        })? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let member = self.within(&key);
            if members.contains_key(&key) {
                return Err(de::Error::custom(format_args!("{DUPLICATE}{}", member.at)));
            }
            let value = map.next_value_seed(member)?;
            members.insert(key, value);
        }
        Ok(Value::Object(members))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_given_twice_is_named_where_it_is() {
        for (body, key) in [
            (r#"{"a": 1, "a": 2}"#, "a"),
            (
                r#"{"lines": [{"x": 1}, {"amount": "1", "amount": "2"}]}"#,
                "lines[1].amount",
            ),
            (r#"{"m": {"k": {"z": null, "z": true}}}"#, "m.k.z"),
        ] {
            match from_slice(body.as_bytes()) {
                Err(Refused::DuplicateKey(named)) => assert_eq!(named, key, "{body}"),
                other => panic!("{body}: {other:?}"),
            }
        }
    }

    #[test]
    fn everything_else_reads_as_serde_json_does() {
        for body in [
            r#"{"a": 1, "b": [1, 2.5, "x", null, true, {"a": 2}], "c": {"a": 3}}"#,
            "[]",
            r#""text""#,
            "-12",
            "1e3",
            "916.0",
        ] {
            let strict = from_slice(body.as_bytes()).expect(body);
            let plain: Value = serde_json::from_str(body).expect(body);
            assert_eq!(strict, plain, "{body}");
        }
        assert!(matches!(
            from_slice(b"{\"a\": 1} x"),
            Err(Refused::Malformed(_))
        ));
        assert!(matches!(
            from_slice(b"{\"a\": }"),
            Err(Refused::Malformed(_))
        ));
    }
}
