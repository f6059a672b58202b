//! Unicode's tables for group names, from the browser: `String.prototype.normalize` and
//! `Intl.Segmenter` (see `crate::text` for why not a crate's).

use crate::text::Unicode;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
export function nfc(text) {
  return text.normalize('NFC');
}
let segmenter = null;
export function characters(text) {
  // Printable ASCII is one character per code unit: no need to wake the segmenter, whose first
  // use loads ICU's break rules (measured: 16 ms on a desktop core, 66 ms at Lighthouse's 4x
  // slower CPU, in the task that makes the page ready; issue 22).
  if (/^[\x20-\x7e]*$/.test(text)) return text.length;
  if (typeof Intl === 'object' && typeof Intl.Segmenter === 'function') {
    segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
    let count = 0;
    for (const _ of segmenter.segment(text)) count++;
    return count;
  }
  // No Intl.Segmenter (Firefox before 125): a character and the marks on it count once.
  return (text.match(/\P{M}\p{M}*|\p{M}+/gu) ?? []).length;
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = nfc)]
    fn js_nfc(text: &str) -> String;
    #[wasm_bindgen(js_name = characters)]
    fn js_characters(text: &str) -> u32;
}

/// The browser's own Unicode tables (ICU in Chromium, Firefox and WebKit).
pub struct BrowserText;

impl Unicode for BrowserText {
    fn nfc(&self, text: &str) -> String {
        js_nfc(text)
    }

    fn characters(&self, text: &str) -> usize {
        js_characters(text) as usize
    }
}
