//! Numbers in the engine's messages, written once: the shortest digits that read back as the
//! number (as JavaScript and JSON write it), whole numbers without ".0", and huge or tiny ones
//! in exponent form (`1e308`, `1.5e-7`, not 309 digits).
//!
//! serde_json's formatter (`zmij`) writes the digits: the wasm module already carries it for
//! the JSON it writes, and `{}` on an `f64` would bring core's second formatter with its tables
//! (issue 22: bytes before ready).

use std::fmt;

/// `n` as a message shows it: `format!("{}", Num(x))`.
#[derive(Clone, Copy, Debug)]
pub struct Num(pub f64);

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buffer = zmij::Buffer::new();
        let text = buffer.format(self.0);
        let text = text.strip_suffix(".0").unwrap_or(text);
        match text.split_once("e+") {
            Some((digits, exponent)) => write!(f, "{digits}e{exponent}"),
            None => f.write_str(text),
        }
    }
}

/// `n` rounded to a whole number, as a message shows it.
pub fn whole(n: f64) -> Num {
    Num(n.round())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_a_number_as_javascript_reads_it() {
        let cases = [
            (0.0, "0"),
            (100.0, "100"),
            (0.5, "0.5"),
            (-2.5, "-2.5"),
            (120_000.0, "120000"),
            (0.1 + 0.2, "0.30000000000000004"),
            (1e9, "1000000000"),
            (1e-5, "0.00001"),
            (1.5e-7, "1.5e-7"),
            (1e16, "1e16"),
            (1e308, "1e308"),
            (-1e300, "-1e300"),
            (5e-324, "5e-324"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "inf"),
        ];
        for (n, text) in cases {
            assert_eq!(Num(n).to_string(), text, "{n:e}");
        }
    }

    #[test]
    fn rounds_to_a_whole_number() {
        assert_eq!(whole(120_000.4).to_string(), "120000");
        assert_eq!(whole(2.5).to_string(), "3");
        assert_eq!(whole(1e20).to_string(), "1e20");
    }
}
