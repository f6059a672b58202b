use wasm_bindgen::prelude::*;
pub use wasm_bindgen_rayon::init_thread_pool;
#[wasm_bindgen(js_name = ping)]
pub fn ping() -> u32 { rayon::current_num_threads() as u32 }
