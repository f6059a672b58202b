//! The browser's event loop as the core's `EventLoop`: timers and yields.

use crate::strategy::EventLoop;
use futures::future::LocalBoxFuture;
use js_sys::{Function, Promise};
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(inline_js = r#"
export function yieldToEventLoop() {
  // A message to ourselves: a new task, so input and rendering get their turn, without
  // setTimeout's 4 ms clamp on nested timers. Not scheduler.yield(): its continuations outrank
  // rendering in Chromium (https://github.com/WICG/scheduling-apis/issues/9), which starved
  // the page's frames while yielding (docs/toolchain.md, "Threads in the page").
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
        // `AssertUnwindSafe` (the build unwinds on a panic: see `crate::panic`): the executor
        // runs once, at once, and only sets the timer.
        let mut timer = AssertUnwindSafe(&mut id);
        let promise = Promise::new(&mut move |resolve, _reject| {
            **timer = set_timeout(&resolve, ms);
        });
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

/// Tasks that yielded, waiting for their turn, and whether a message is on its way for the
/// first of them.
///
/// One message in flight at a time, whoever yielded: each message gives one task its turn,
/// then the next is posted. With a message per yielding task instead, eight concurrent tasks
/// kept eight messages queued, and Chromium drew 17 frames/s between them (one at a time: 60),
/// so "yield every 10 ms" didn't keep the page smooth, and concurrent runs were 10-25 %
/// faster than sequential ones only because they drew fewer frames.
#[derive(Default)]
struct Turns {
    waiting: VecDeque<Rc<Turn>>,
    in_flight: bool,
}

#[derive(Default)]
struct Turn {
    given: Cell<bool>,
    waker: RefCell<Option<Waker>>,
}

thread_local! {
    static TURNS: RefCell<Turns> = RefCell::default();
}

/// Posts the message that gives the first waiting task its turn.
fn post_turn() {
    TURNS.with(|turns| turns.borrow_mut().in_flight = true);
    let message = JsFuture::from(yield_to_event_loop());
    wasm_bindgen_futures::spawn_local(async move {
        let _ = message.await;
        let (next, more) = TURNS.with(|turns| {
            let mut turns = turns.borrow_mut();
            turns.in_flight = false;
            let next = turns.waiting.pop_front();
            (next, !turns.waiting.is_empty())
        });
        if let Some(turn) = next {
            turn.given.set(true);
            if let Some(waker) = turn.waker.take() {
                waker.wake();
            }
        }
        if more {
            post_turn();
        }
    });
}

/// A yield: completes on this task's turn (see [`Turns`]).
struct Yield(Rc<Turn>);

impl Future for Yield {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0.given.get() {
            return Poll::Ready(());
        }
        *self.0.waker.borrow_mut() = Some(cx.waker().clone());
        Poll::Pending
    }
}

/// The page's event loop.
pub struct BrowserEventLoop;

impl EventLoop for BrowserEventLoop {
    fn sleep(&self, ms: f64) -> LocalBoxFuture<'static, ()> {
        Box::pin(Sleep::new(ms))
    }

    fn yield_now(&self) -> LocalBoxFuture<'static, ()> {
        let turn = Rc::new(Turn::default());
        let post = TURNS.with(|turns| {
            let mut turns = turns.borrow_mut();
            turns.waiting.push_back(turn.clone());
            !turns.in_flight
        });
        if post {
            post_turn();
        }
        Box::pin(Yield(turn))
    }
}
