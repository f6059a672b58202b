//! Reading a workload's JSON text when it holds what a `serde_json::Value` can't: a number
//! beyond f64 (`1e999`), or lists and objects nested deeper than [`Limits::max_depth`]
//! (serde_json stops at 128 levels, and a recursive reader would overflow its stack long
//! before 100,000). Each such value is read as null and described by its field in
//! [`StandIns`], so validation says "groups[0].count: must be a whole number from 0 to 1000,
//! got an object nested 200 levels deep" instead of "workload: is not valid JSON (recursion
//! limit exceeded at line 1 column 204)".
//!
//! The scan is one pass over the text with a stack of the containers it is in: it costs what
//! parsing costs, whatever the input. It checks no syntax: serde_json does that afterwards.
//!
//! [`Limits::max_depth`]: crate::workload::Limits::max_depth

use crate::workload::StandIns;
use serde_json::Value;

/// The value of a workload's text, and the fields it read as null (see the module's comment).
pub struct Read {
    pub value: Value,
    pub stand_ins: StandIns,
}

/// Reads `text`; a value nested more than `max_depth` levels deep (the workload's own object
/// is level 1) or a number beyond f64 is read as null, with a stand-in naming its field. The
/// error is serde_json's message for text that isn't JSON, its position in `text`.
pub fn read(text: &str, max_depth: usize) -> Result<Read, String> {
    let cuts = Scan::new(text, max_depth).run();
    if cuts.is_empty() {
        let value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        return Ok(Read {
            value,
            stand_ins: StandIns::default(),
        });
    }
    let mut sanitized = String::with_capacity(text.len());
    let mut stand_ins = StandIns::default();
    let mut at = 0;
    for cut in &cuts {
        sanitized.push_str(&text[at..cut.start]);
        sanitized.push_str("null");
        at = cut.end;
        if let Some(field) = &cut.field {
            stand_ins.insert(field.clone(), cut.words.clone());
        }
    }
    sanitized.push_str(&text[at..]);
    match serde_json::from_str(&sanitized) {
        Ok(value) => Ok(Read { value, stand_ins }),
        Err(e) => Err(at_original_position(&e, &sanitized, text, &cuts)),
    }
}

/// A stretch of the text read as null: `start..end` (bytes), the field it is the value of
/// (`None` inside a value that is a list or an object anyway), and what it was, in words.
struct Cut {
    start: usize,
    end: usize,
    field: Option<String>,
    words: String,
}

/// One list or object the scan is in.
struct Frame {
    /// Where its `[` or `{` is.
    start: usize,
    list: bool,
    /// Its path when it is a field's value (or the workload), as validation names fields.
    field: Option<String>,
    /// Whether its items are fields: the workload's object, the `groups` list, a group.
    holds_fields: bool,
    /// The key of the value being read (objects holding fields), or the index (lists).
    key: Option<String>,
    index: usize,
    /// Objects: the next string is a key.
    expecting_key: bool,
}

struct Scan<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
    max_depth: usize,
    frames: Vec<Frame>,
    cuts: Vec<Cut>,
}

/// Keys longer than this are no field of a workload: the scan doesn't spell out their path.
const LONGEST_KEY: usize = 64;

impl<'a> Scan<'a> {
    fn new(text: &'a str, max_depth: usize) -> Scan<'a> {
        Scan {
            text,
            bytes: text.as_bytes(),
            at: 0,
            max_depth: max_depth.max(1),
            frames: Vec::new(),
            cuts: Vec::new(),
        }
    }

    /// The cuts to make, in order; none when the text is not JSON enough to tell (serde_json
    /// then says what is wrong).
    fn run(mut self) -> Vec<Cut> {
        while self.at < self.bytes.len() {
            let ok = match self.bytes[self.at] {
                b'{' | b'[' => self.open(),
                b'}' | b']' => self.close(),
                b'"' => self.string(),
                b':' => {
                    self.at += 1;
                    true
                }
                b',' => {
                    if let Some(frame) = self.frames.last_mut() {
                        if frame.list {
                            frame.index += 1;
                        } else {
                            frame.expecting_key = true;
                        }
                    }
                    self.at += 1;
                    true
                }
                b'-' | b'0'..=b'9' => self.number(),
                _ => {
                    self.at += 1;
                    true
                }
            };
            if !ok {
                return Vec::new();
            }
        }
        self.cuts
    }

    /// The path of the value starting here, if it is a field's value; and whether that
    /// value, if it is a list (`true`) or an object (`false`), holds fields itself.
    fn field_here(&self) -> (Option<String>, Option<bool>) {
        let Some(parent) = self.frames.last() else {
            return (Some("workload".into()), Some(false));
        };
        if !parent.holds_fields {
            return (None, None);
        }
        match (parent.list, parent.field.as_deref()) {
            // The items of `groups`: groups[i], each an object holding fields.
            (true, Some(groups)) => (Some(format!("{groups}[{}]", parent.index)), Some(false)),
            (true, None) => (None, None),
            (false, holder) => {
                let Some(key) = &parent.key else {
                    return (None, None);
                };
                match holder {
                    Some("workload") => {
                        let holds = (key == "groups").then_some(true);
                        (Some(key.clone()), holds)
                    }
                    Some(group) => (Some(format!("{group}.{key}")), None),
                    None => (None, None),
                }
            }
        }
    }

    fn open(&mut self) -> bool {
        let list = self.bytes[self.at] == b'[';
        let (field, holds) = self.field_here();
        let holds_fields = holds == Some(list);
        self.frames.push(Frame {
            start: self.at,
            list,
            field,
            holds_fields,
            key: None,
            index: 0,
            expecting_key: !list,
        });
        self.at += 1;
        if self.frames.len() > self.max_depth {
            return self.cut_deep();
        }
        true
    }

    fn close(&mut self) -> bool {
        self.at += 1;
        self.frames.pop().is_some()
    }

    /// The text is nested too deep here: the value of the innermost field around (the
    /// outermost list or object that holds no fields) is read as null, with its depth.
    fn cut_deep(&mut self) -> bool {
        let Some(target) = self.frames.iter().position(|f| !f.holds_fields) else {
            return false;
        };
        let level = target + 1; // the target's own level, from the workload's (1)
        let mut depth = self.frames.len();
        let mut deepest = depth;
        // Skip to the end of the target, counting levels (strings may hold brackets).
        while depth >= level {
            let Some(&byte) = self.bytes.get(self.at) else {
                return false; // unterminated: serde_json says so
            };
            match byte {
                b'{' | b'[' => {
                    depth += 1;
                    deepest = deepest.max(depth);
                    self.at += 1;
                }
                b'}' | b']' => {
                    depth -= 1;
                    self.at += 1;
                }
                b'"' => {
                    if self.skip_string().is_none() {
                        return false;
                    }
                }
                _ => self.at += 1,
            }
        }
        let frame = &self.frames[target];
        let words = format!(
            "{} nested {} levels deep",
            if frame.list { "a list" } else { "an object" },
            deepest + 1 - level
        );
        self.cuts.push(Cut {
            start: frame.start,
            end: self.at,
            field: frame.field.clone(),
            words,
        });
        self.frames.truncate(target);
        true
    }

    /// Moves past the string starting here; returns where its contents are.
    fn skip_string(&mut self) -> Option<(usize, usize)> {
        let start = self.at;
        let mut i = self.at + 1;
        while i < self.bytes.len() {
            match self.bytes[i] {
                b'\\' => i += 2,
                b'"' => {
                    self.at = i + 1;
                    return Some((start, i + 1));
                }
                _ => i += 1,
            }
        }
        None
    }

    fn string(&mut self) -> bool {
        let Some((start, end)) = self.skip_string() else {
            return false;
        };
        let Some(frame) = self.frames.last_mut() else {
            return true;
        };
        if !frame.list && frame.expecting_key {
            frame.expecting_key = false;
            frame.key = None;
            if frame.holds_fields && end - start <= LONGEST_KEY + 2 {
                // Decoded as serde_json decodes it (escapes and all), so the path matches;
                // read as a Value, whose reader the module has anyway.
                let quoted = &self.text[start..end];
                frame.key = if quoted.contains('\\') {
                    match serde_json::from_str::<Value>(quoted) {
                        Ok(Value::String(key)) => Some(key),
                        _ => return false,
                    }
                } else {
                    Some(quoted[1..quoted.len() - 1].to_string())
                };
            }
        }
        true
    }

    /// A number: one beyond f64 (`1e999`, `-1e400`) is read as null, "not a finite number".
    fn number(&mut self) -> bool {
        let start = self.at;
        let mut end = start + 1;
        while end < self.bytes.len()
            && matches!(
                self.bytes[end],
                b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-'
            )
        {
            end += 1;
        }
        self.at = end;
        let token = &self.text[start..end];
        if beyond_f64(token) {
            let (field, _) = self.field_here();
            let words = format!("{} (not a finite number)", crate::workload::shorten(token));
            self.cuts.push(Cut {
                start,
                end,
                field,
                words,
            });
        }
        true
    }
}

/// Whether a JSON number is too large for f64. Numbers under 1e308 are not (most of them:
/// told from their digits); serde_json, which reads the rest, says "number out of range" for
/// those that are. (Not `str::parse`: its tables would cost the module 17 KB.)
fn beyond_f64(token: &str) -> bool {
    let (mantissa, exponent) = match token.find(['e', 'E']) {
        Some(at) => {
            let exponent = &token[at + 1..];
            // An exponent beyond i64 is beyond f64 too (or a zero: serde_json tells).
            let huge = if exponent.starts_with('-') {
                i64::MIN
            } else {
                i64::MAX
            };
            (&token[..at], exponent.parse::<i64>().unwrap_or(huge))
        }
        None => (token, 0),
    };
    let whole = mantissa
        .trim_start_matches('-')
        .split('.')
        .next()
        .unwrap_or("");
    let digits = whole.trim_start_matches('0').len() as i64;
    let magnitude = if digits > 0 {
        exponent.saturating_add(digits - 1)
    } else {
        // 0.000123e310: the first digit after the point that isn't 0.
        let fraction = mantissa.split('.').nth(1).unwrap_or("");
        let zeros = fraction.len() - fraction.trim_start_matches('0').len();
        exponent.saturating_sub(zeros as i64 + 1)
    };
    magnitude >= 308
        && serde_json::from_str::<Value>(token)
            .is_err_and(|e| e.to_string().starts_with("number out of range"))
}

/// serde_json's message for `sanitized`, with its position moved back to where it is in
/// `original` (the cuts shortened or lengthened the text before it).
fn at_original_position(
    error: &serde_json::Error,
    sanitized: &str,
    original: &str,
    cuts: &[Cut],
) -> String {
    // What went wrong, without serde_json's position (its message ends with it). Cut off by
    // its length, not searched for: a search for a text pattern costs 1 KB of the module.
    let message = error.to_string();
    let position = format!(" at line {} column {}", error.line(), error.column());
    let what = message.strip_suffix(&position).unwrap_or(&message);
    // The byte offset serde_json stopped at, in the sanitized text.
    let line_start: usize = sanitized
        .split_inclusive('\n')
        .take(error.line().saturating_sub(1))
        .map(str::len)
        .sum();
    let mut offset = line_start + error.column().saturating_sub(1);
    // Back to the original: add what each cut before it removed (a cut is "null" there).
    let mut shift: isize = 0;
    for cut in cuts {
        let sanitized_start = (cut.start as isize + shift) as usize;
        if offset < sanitized_start {
            break;
        }
        if offset < sanitized_start + 4 {
            offset = cut.start;
            shift = 0;
            break;
        }
        shift += 4 - (cut.end - cut.start) as isize;
    }
    offset = ((offset as isize) - shift).clamp(0, original.len() as isize) as usize;
    let before = &original.as_bytes()[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = offset
        - before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1)
        + 1;
    format!("{what} at line {line} column {column}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(field: &str, levels: usize) -> String {
        format!(
            r#"{{"strategy":"sequential","groups":[{{"name":"g","count":1,"cpuMs":1,"ioMs":0,"{field}":{}1{}}}]}}"#,
            "[".repeat(levels),
            "]".repeat(levels)
        )
    }

    #[test]
    fn a_value_nested_too_deep_is_read_as_null_and_named_by_its_field() {
        let read = read(&nested("count", 200), 64).unwrap();
        assert_eq!(read.value["groups"][0]["count"], Value::Null);
        assert_eq!(read.value["groups"][0]["cpuMs"], 1);
        assert_eq!(
            read.stand_ins.get("groups[0].count"),
            Some("a list nested 200 levels deep")
        );
        // 100,000 levels: one pass, no recursion.
        let read = super::read(&nested("ioMs", 100_000), 64).unwrap();
        assert_eq!(
            read.stand_ins.get("groups[0].ioMs"),
            Some("a list nested 100000 levels deep")
        );
        // Just within the limit: read as it is (the workload, groups and a group are 3 levels).
        let read = super::read(&nested("count", 61), 64).unwrap();
        assert!(read.value["groups"][0]["count"].is_array());
        let read = super::read(&nested("count", 62), 64).unwrap();
        assert_eq!(
            read.stand_ins.get("groups[0].count"),
            Some("a list nested 62 levels deep")
        );
    }

    #[test]
    fn the_field_is_the_innermost_one_around_the_deep_value() {
        let deep = format!("{}{}", "[".repeat(300), "]".repeat(300));
        let read = super::read(&deep, 64).unwrap();
        assert_eq!(
            read.stand_ins.get("workload"),
            Some("a list nested 300 levels deep")
        );
        let text = format!(r#"{{"strategy":"x","groups":[{deep}]}}"#);
        let read = super::read(&text, 64).unwrap();
        assert_eq!(
            read.stand_ins.get("groups[0]"),
            Some("a list nested 300 levels deep")
        );
        // Brackets inside a string don't count.
        let text = format!(
            r#"{{"groups":{}"]}}[[["{}}}"#,
            r#"{"a":"#.repeat(150),
            "}".repeat(150)
        );
        let read = super::read(&text, 64).unwrap();
        assert_eq!(
            read.stand_ins.get("groups"),
            Some("an object nested 150 levels deep")
        );
        // Escaped keys are the keys validation sees.
        let text = format!(r#"{{"thr\u0065ads":{}}}"#, "[".repeat(70) + &"]".repeat(70));
        let read = super::read(&text, 64).unwrap();
        assert_eq!(
            read.stand_ins.get("threads"),
            Some("a list nested 70 levels deep")
        );
    }

    #[test]
    fn numbers_beyond_f64_are_not_finite_and_keep_their_spelling() {
        let read = super::read(
            r#"{"threads":1e999,"groups":[{"cpuMs":-1E400,"x":[1e999]}],"seed":1e308}"#,
            64,
        )
        .unwrap();
        assert_eq!(read.value["threads"], Value::Null);
        assert_eq!(read.value["seed"], 1e308);
        assert_eq!(
            read.stand_ins.get("threads"),
            Some("1e999 (not a finite number)")
        );
        assert_eq!(
            read.stand_ins.get("groups[0].cpuMs"),
            Some("-1E400 (not a finite number)")
        );
        assert_eq!(read.value["groups"][0]["x"], serde_json::json!([null]));
    }

    #[test]
    fn a_number_is_beyond_f64_as_serde_json_reads_it() {
        for token in [
            "1e309",
            "1.8e308",
            "-1e999",
            "0.001e312",
            "1e99999999999999999999",
            &"9".repeat(310),
        ] {
            assert!(beyond_f64(token), "{token}");
        }
        for token in [
            "1e308",
            "1.7976931348623157e308",
            "-1e307",
            "0.0001e310",
            "1e-999",
            "0",
            "0.0e999",
            "-0",
            "123",
        ] {
            assert!(!beyond_f64(token), "{token}");
        }
    }

    #[test]
    fn text_that_is_not_json_gets_serde_jsons_message_at_its_own_position() {
        assert_eq!(
            super::read("{strategy:", 64).err().unwrap(),
            "key must be a string at line 1 column 2"
        );
        // A syntax error after a cut: its position is the one in the text as given.
        let text = format!(
            "{{\"threads\":{}1{},\n  \"x\" 1}}",
            "[".repeat(99),
            "]".repeat(99)
        );
        assert_eq!(
            super::read(&text, 64).err().unwrap(),
            "expected `:` at line 2 column 7"
        );
        for broken in [
            "",
            "[",
            "{\"a\":",
            "\"abc",
            "[[[[1]]",
            "}}}",
            "{\"a\":[1e999",
        ] {
            assert!(super::read(broken, 64).is_err(), "{broken}");
        }
    }
}
