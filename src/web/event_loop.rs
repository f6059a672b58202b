//! The browser's event loop as the core's `EventLoop`: timers and yields.

use crate::strategy::EventLoop;
use futures::future::LocalBoxFuture;
use js_sys::{Function, Promise};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(inline_js = r#"
export function yieldToEventLoop() {
  // A message to ourselves: a new task, so input and rendering get their turn, without
  // setTimeout's 4 ms clamp on nested timers. Not scheduler.yield(): its continuations outrank
  // rendering in Chromium, measured here at 9 frames/s while yielding every 10 ms (this: 61).
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = yieldToEventLoop)]
    fn yield_to_event_loop() -> Promise;
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(callback: &Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
}

/// A `setTimeout` as a future; dropping it (a cancelled wait) clears the timer.
struct Sleep {
    id: JsValue,
    fired: JsFuture,
}

impl Sleep {
    fn new(ms: f64) -> Sleep {
        let mut id = JsValue::UNDEFINED;
        let promise = Promise::new(&mut |resolve, _reject| id = set_timeout(&resolve, ms));
        Sleep {
            id,
            fired: JsFuture::from(promise),
        }
    }
}

impl Future for Sleep {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        Pin::new(&mut self.fired).poll(cx).map(|_| ())
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        clear_timeout(&self.id);
    }
}

/// The page's event loop.
pub struct BrowserEventLoop;

impl EventLoop for BrowserEventLoop {
    fn sleep(&self, ms: f64) -> LocalBoxFuture<'static, ()> {
        Box::pin(Sleep::new(ms))
    }

    fn yield_now(&self) -> LocalBoxFuture<'static, ()> {
        let yielded = JsFuture::from(yield_to_event_loop());
        Box::pin(async move {
            let _ = yielded.await;
        })
    }
}
