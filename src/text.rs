//! Text as a reader sees it, for group names: one Unicode spelling (NFC), a length counted in
//! the characters a reader sees (grapheme clusters: `é` written as `e` + U+0301 is one, so is
//! a flag or a family emoji), and something visible in it.
//!
//! Normalising and segmenting need Unicode's tables. The crates that carry them would cost
//! the wasm module 47 KB brotli (`unicode-normalization`'s `nfc`), 4.4 KB (only its quick
//! check) and 7 KB (`unicode-segmentation`'s graphemes), measured after wasm-opt against 134 KB;
//! every browser already has those tables (`String.prototype.normalize`, `Intl.Segmenter`).
//! So the rule lives here, once, and the platform answers the two questions that need tables:
//! the browser in wasm (`web::BrowserText`), the crates natively (tests, examples).

/// What validation asks of Unicode's tables.
pub trait Unicode {
    /// `text` in Normalization Form C: canonically equivalent spellings become one.
    fn nfc(&self, text: &str) -> String;
    /// The characters a reader sees in `text`: extended grapheme clusters (UAX #29).
    fn characters(&self, text: &str) -> usize;
}

/// The platform's tables: the browser's in wasm, the crates' natively.
pub fn platform() -> &'static dyn Unicode {
    #[cfg(target_arch = "wasm32")]
    {
        &crate::web::BrowserText
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        &Tables
    }
}

/// Unicode's tables from the `unicode-normalization` and `unicode-segmentation` crates:
/// natively only (they would weigh on the wasm module; see the module's comment).
#[cfg(not(target_arch = "wasm32"))]
pub struct Tables;

#[cfg(not(target_arch = "wasm32"))]
impl Unicode for Tables {
    fn nfc(&self, text: &str) -> String {
        use unicode_normalization::UnicodeNormalization;
        text.nfc().collect()
    }

    fn characters(&self, text: &str) -> usize {
        use unicode_segmentation::UnicodeSegmentation;
        text.graphemes(true).count()
    }
}

/// Whether `c` shows nothing by itself: white space, control and format characters, and
/// Unicode's default-ignorable code points (zero-width spaces and joiners, direction marks
/// and embeddings, variation selectors, fillers, tags), which fonts draw as nothing. A small
/// table of ranges (DerivedCoreProperties.txt, Unicode 16, `Default_Ignorable_Code_Point`),
/// plus the Braille blank, which draws as a blank.
pub fn invisible(c: char) -> bool {
    const RANGES: &[(u32, u32)] = &[
        (0x00AD, 0x00AD),   // soft hyphen
        (0x034F, 0x034F),   // combining grapheme joiner
        (0x061C, 0x061C),   // Arabic letter mark
        (0x115F, 0x1160),   // Hangul fillers
        (0x17B4, 0x17B5),   // Khmer inherent vowels
        (0x180B, 0x180F),   // Mongolian variation selectors, vowel separator
        (0x200B, 0x200F),   // zero-width space, (non-)joiner, direction marks
        (0x202A, 0x202E),   // direction embeddings and overrides
        (0x2060, 0x206F),   // word joiner, invisible operators, isolates
        (0x2800, 0x2800),   // Braille pattern blank
        (0x3164, 0x3164),   // Hangul filler
        (0xFE00, 0xFE0F),   // variation selectors
        (0xFEFF, 0xFEFF),   // zero-width no-break space (BOM)
        (0xFFA0, 0xFFA0),   // halfwidth Hangul filler
        (0xFFF0, 0xFFF8),   // unassigned, default ignorable
        (0x1BCA0, 0x1BCA3), // shorthand format controls
        (0x1D173, 0x1D17A), // musical symbol format controls
        (0xE0000, 0xE0FFF), // tags, variation selectors supplement
    ];
    let code = c as u32;
    c.is_whitespace() || c.is_control() || RANGES.iter().any(|&(lo, hi)| (lo..=hi).contains(&code))
}

/// `U+200B U+200E`: the code points of invisible text, for a message (at most `max`).
pub fn code_points(text: &str, max: usize) -> String {
    let mut listed: Vec<String> = text
        .chars()
        .take(max)
        .map(|c| format!("U+{:04X}", c as u32))
        .collect();
    if text.chars().nth(max).is_some() {
        listed.push("...".into());
    }
    listed.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_two_spellings_of_cafe_are_one_and_count_four_characters() {
        let composed = "caf\u{e9}";
        let decomposed = "cafe\u{301}";
        assert_ne!(composed, decomposed);
        assert_eq!(Tables.nfc(decomposed), composed);
        assert_eq!(Tables.characters(decomposed), 4);
        assert_eq!(
            Tables.characters("\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}"),
            1
        );
        assert_eq!(Tables.characters("\u{1F1EB}\u{1F1F7}"), 1); // a flag: two code points
    }

    #[test]
    fn invisible_characters_are_the_ones_that_draw_nothing() {
        for c in [
            '\u{200B}', '\u{200E}', '\u{200F}', '\u{FEFF}', '\u{2066}', '\u{FE0F}', ' ', '\t',
            '\u{3000}', '\u{0}',
        ] {
            assert!(invisible(c), "U+{:04X}", c as u32);
        }
        for c in ['a', '\u{e9}', '\u{301}', '\u{1F600}', '\u{5D0}', '-', '.'] {
            assert!(!invisible(c), "U+{:04X}", c as u32);
        }
        assert_eq!(code_points("\u{200B}\u{200E}", 4), "U+200B U+200E");
        assert_eq!(code_points("abcde", 2), "U+0061 U+0062 ...");
    }
}
