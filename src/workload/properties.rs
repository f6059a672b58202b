//! Generated inputs for the workload validator, as a trusted parser is tested: random JSON
//! values, near-valid workloads (a valid one with one field changed), and text (random, or a
//! valid workload's text with nesting or huge numbers spliced in). Whatever comes in,
//! validation never panics, every rejection names a field that is in the input (or is missing
//! from it), a near-valid workload's rejection names the field that was changed, messages stay
//! short, and every accepted workload is within the limits and reads back the same from its
//! own JSON.
//!
//! Each property prints its seed when it fails; `PROPTEST_RNG_SEED=<seed> cargo test
//! properties` replays it, `PROPTEST_CASES=<n>` runs more cases (256 each by default: about
//! a second in all).

use super::{shorten, shorten_to, FieldError, Limits, Workload, WorkloadError};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestRunner};
use serde_json::{json, Number, Value};

const LIMITS: &Limits = &Limits::DEFAULT;

/// Runs `test` on values of `strategy` with a seed it prints when the property fails.
fn check<S: Strategy>(name: &str, strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S::Value: std::fmt::Debug,
{
    let seed = std::env::var("PROPTEST_RNG_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
        });
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(256);
    let config = Config {
        cases,
        rng_seed: RngSeed::Fixed(seed),
        // Failures are reported with their seed, not saved in the source tree.
        failure_persistence: None,
        ..Config::default()
    };
    if let Err(failure) = TestRunner::new(config).run(&strategy, test) {
        panic!("{name}: {failure}\n  replay: PROPTEST_RNG_SEED={seed} cargo test properties");
    }
}

// --- what is generated ----------------------------------------------------------------------

/// Text of every kind a name or a value may hold: empty, blank, markup, the two spellings
/// of "café", invisible characters, direction overrides, emoji, long text, anything.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("   ".to_string()),
        Just("caf\u{e9}".to_string()),
        Just("cafe\u{301}".to_string()),
        Just("\u{200B}".to_string()),
        Just("\u{200F}\u{200E}".to_string()),
        Just("\u{202E}evil".to_string()),
        Just("\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}".to_string()),
        Just("<img src=x onerror=alert(1)>".to_string()),
        Just("e\u{301}".repeat(32)),
        Just(format!("a{}", "\u{301}".repeat(150))),
        Just("sequential".to_string()),
        Just("parallel".to_string()),
        "[a-z]{1,40}",
        "\\PC{0,40}",
        any::<String>(),
        "x{30,200}",
    ]
}

fn number() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(0.0),
        Just(-0.0),
        Just(1.0),
        Just(-1.0),
        Just(0.5),
        Just(1e308),
        Just(-1e308),
        Just(5e-324),
        Just(f64::MAX),
        Just(4_294_967_295.0),
        Just(4_294_967_296.0),
        Just(9_007_199_254_740_993.0),
        0.0..2000.0f64,
        -10.0..20.0f64,
        (0u32..20_000).prop_map(f64::from),
        any::<f64>().prop_filter("finite", |n| n.is_finite()),
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        number().prop_map(|n| Number::from_f64(n).map_or(Value::Null, Value::Number)),
        any::<i64>().prop_map(|n| json!(n)),
        any::<u64>().prop_map(|n| json!(n)),
        text().prop_map(Value::String),
    ]
}

/// Keys a workload has, keys it doesn't, and any text.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "strategy",
            "threads",
            "globalLock",
            "yieldMs",
            "jitter",
            "seed",
            "groups",
            "name",
            "count",
            "cpuMs",
            "ioMs",
            "steps",
            "dataKb",
            "everyMs",
            "cpuMS",
            "__proto__",
            "constructor",
            "groups[0].name",
        ])
        .prop_map(str::to_string),
        text(),
    ]
}

/// Any JSON value: lists and objects up to a few levels, with workload-like keys.
fn value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::btree_map(key(), inner, 0..8)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn strategy_name() -> impl Strategy<Value = &'static str> {
    prop::sample::select(super::Strategy::ALL.map(super::Strategy::name).to_vec())
}

/// A valid group: within every limit, and small enough that any 12 of them are too.
fn group() -> impl Strategy<Value = Value> {
    (
        prop_oneof![
            "[a-z]{1,12}",
            "\\PC{1,20}".prop_filter("visible", |s| {
                !s.trim().is_empty() && !s.trim().chars().all(crate::text::invisible)
            }),
            Just("cafe\u{301}".to_string()),
            Just("\u{1F1EB}\u{1F1F7}".repeat(32)),
        ],
        0u32..=20,
        0.0..50.0f64,
        0.0..50.0f64,
        1u32..=3,
        prop::option::of(0u32..=64),
        prop::option::of(0.0..100.0f64),
    )
        .prop_map(|(name, count, cpu, io, steps, data, every)| {
            let mut g =
                json!({ "name": name, "count": count, "cpuMs": cpu, "ioMs": io, "steps": steps });
            if let Some(kb) = data {
                g["dataKb"] = json!(kb);
            }
            if let Some(ms) = every {
                g["everyMs"] = json!(ms);
            }
            g
        })
}

/// A valid workload (at least one task).
fn workload() -> impl Strategy<Value = Value> {
    (
        strategy_name(),
        prop::option::of(1u32..=16),
        prop::option::of(any::<bool>()),
        prop::option::of(prop_oneof![Just(0.0), 1.0..=1000.0f64]),
        prop::option::of(0.0..=0.9f64),
        prop::option::of(any::<u32>()),
        prop::collection::vec(group(), 1..=12),
    )
        .prop_map(
            |(strategy, threads, lock, yield_ms, jitter, seed, mut groups)| {
                if groups.iter().all(|g| g["count"] == 0) {
                    groups[0]["count"] = json!(1);
                }
                let mut w = json!({ "strategy": strategy, "groups": groups });
                let optional = [
                    ("threads", threads.map(|n| json!(n))),
                    ("globalLock", lock.map(Value::Bool)),
                    ("yieldMs", yield_ms.map(|n| json!(n))),
                    ("jitter", jitter.map(|n| json!(n))),
                    ("seed", seed.map(|n| json!(n))),
                ];
                for (key, value) in optional {
                    if let Some(value) = value {
                        w[key] = value;
                    }
                }
                w
            },
        )
}

/// One change to a valid workload: a field set to any value, removed, or added.
#[derive(Clone, Debug)]
enum Change {
    Set(String, #[allow(dead_code)] Value),
    Remove(String),
}

impl Change {
    fn path(&self) -> &str {
        match self {
            Change::Set(path, _) | Change::Remove(path) => path,
        }
    }
}

fn near_valid() -> impl Strategy<Value = (Value, Change)> {
    (workload(), 0usize..12, key(), value(), 0u8..4).prop_map(|(mut w, index, key, value, how)| {
        let groups = w["groups"].as_array().map_or(0, Vec::len);
        let index = index % groups.max(1);
        let in_group = how % 2 == 0;
        let path = if in_group {
            format!("groups[{index}].{key}")
        } else {
            key.clone()
        };
        let holder = if in_group {
            &mut w["groups"][index]
        } else {
            &mut w
        };
        let map = holder.as_object_mut().expect("an object");
        let change = if how >= 2 {
            map.remove(&key);
            Change::Remove(path)
        } else {
            map.insert(key, value.clone());
            Change::Set(path, value)
        };
        (w, change)
    })
}

// --- what must hold -------------------------------------------------------------------------

/// Whether `error` names a place in `input`: the workload, a field it has, or one it lacks
/// (then the message says it is missing). Keys are quoted shortened (see `shorten`).
fn names_a_place_in(input: &Value, error: &FieldError) -> bool {
    let field = error.field.as_str();
    let missing = error.message == "is missing";
    let has = |object: &Value, key: &str| {
        object
            .as_object()
            .is_some_and(|m| m.keys().any(|k| shorten(k) == key))
    };
    if field == "workload" {
        return true;
    }
    if input.is_object() && (has(input, field) || (missing && !field.contains('.'))) {
        return true;
    }
    // groups[i] or groups[i].key
    let Some(rest) = field.strip_prefix("groups[") else {
        return false;
    };
    let Some((index, rest)) = rest.split_once(']') else {
        return false;
    };
    let Ok(index) = index.parse::<usize>() else {
        return false;
    };
    let Some(group) = input["groups"].as_array().and_then(|g| g.get(index)) else {
        return false;
    };
    match rest.strip_prefix('.') {
        None => rest.is_empty(),
        Some(key) => has(group, key) || (missing && group.get(key).is_none()),
    }
}

/// Whether two workloads are the same, their numbers to the last bit but one: serde_json's
/// reader (without its `float_roundtrip` feature, which would cost the wasm module 7.5 KB
/// brotli) reads some numbers of 16-17 digits 1 ulp off what wrote them (found here, e.g.
/// 20.11805513055584 read as 20.118055130555838: a relative 1e-16).
fn same(a: &Workload, b: &Workload) -> bool {
    let close = |x: f64, y: f64| x.to_bits().abs_diff(y.to_bits()) <= 1;
    let groups = a.groups.len() == b.groups.len()
        && a.groups.iter().zip(&b.groups).all(|(g, h)| {
            (&g.name, g.count, g.steps, g.data_kb) == (&h.name, h.count, h.steps, h.data_kb)
                && close(g.cpu_ms, h.cpu_ms)
                && close(g.io_ms, h.io_ms)
                && close(g.every_ms, h.every_ms)
        });
    groups
        && (a.strategy, a.threads, a.global_lock, a.seed)
            == (b.strategy, b.threads, b.global_lock, b.seed)
        && close(a.yield_ms, b.yield_ms)
        && close(a.jitter, b.jitter)
}

/// What every answer of the validator must be, for any input: errors name places in it and
/// stay short; an accepted workload is within the limits and reads back the same.
fn answers_well(
    input: &Value,
    outcome: &Result<Workload, WorkloadError>,
) -> Result<(), TestCaseError> {
    match outcome {
        Ok(w) => {
            prop_assert!((1..=LIMITS.max_threads).contains(&w.threads));
            prop_assert!((1..=LIMITS.max_groups).contains(&w.groups.len()));
            prop_assert!(w.task_count() >= 1 && w.task_count() <= LIMITS.max_tasks);
            prop_assert!(w.total_work_ms() <= LIMITS.max_total_work_ms);
            for g in &w.groups {
                prop_assert!(g.cpu_ms.is_finite() && (0.0..=LIMITS.max_cpu_ms).contains(&g.cpu_ms));
                prop_assert!(g.io_ms.is_finite() && (0.0..=LIMITS.max_io_ms).contains(&g.io_ms));
                prop_assert!(
                    !g.name.is_empty() && g.name.chars().count() <= LIMITS.max_name_code_points
                );
                prop_assert_eq!(crate::text::platform().nfc(&g.name), g.name.clone());
            }
            let text = serde_json::to_string(w).expect("a workload serializes");
            let again = Workload::from_json(&text, LIMITS);
            prop_assert!(
                again.as_ref().is_ok_and(|a| same(a, w)),
                "{} reads back as {:?}",
                text,
                again
            );
        }
        Err(e) => {
            prop_assert!(!e.errors.is_empty());
            for error in &e.errors {
                prop_assert!(
                    names_a_place_in(input, error),
                    "{} names no place in {}",
                    error,
                    shorten_to(&input.to_string(), 300)
                );
                prop_assert!(error.message.chars().count() < 400, "too long: {}", error);
                prop_assert!(
                    error.field.chars().count() <= 60,
                    "field too long: {}",
                    error
                );
            }
            prop_assert!(e.to_string().chars().count() < 6_000);
        }
    }
    Ok(())
}

#[test]
fn properties_any_json_value_gets_an_answer_that_names_its_fields() {
    check("any value", value(), |input| {
        let outcome = Workload::from_value(&input, LIMITS);
        answers_well(&input, &outcome)?;
        // The same through text: one reading, the same answer (its numbers to the last bit
        // but one: see `same`).
        let fields = |o: &Result<Workload, WorkloadError>| {
            o.as_ref()
                .err()
                .map(|e| e.errors.iter().map(|e| e.field.clone()).collect::<Vec<_>>())
        };
        let through_text = Workload::from_json(&input.to_string(), LIMITS);
        prop_assert_eq!(fields(&through_text), fields(&outcome));
        if let (Ok(a), Ok(b)) = (&through_text, &outcome) {
            prop_assert!(same(a, b));
        }
        Ok(())
    });
}

#[test]
fn properties_a_valid_workload_is_accepted_and_reads_back_the_same() {
    check("valid workload", workload(), |input| {
        let outcome = Workload::from_value(&input, LIMITS);
        prop_assert!(outcome.is_ok(), "{}: {:?}", input, outcome);
        answers_well(&input, &outcome)
    });
}

#[test]
fn properties_a_near_valid_workload_is_refused_by_the_field_that_changed() {
    check("near-valid workload", near_valid(), |(input, change)| {
        let outcome = Workload::from_value(&input, LIMITS);
        answers_well(&input, &outcome)?;
        if let Err(e) = &outcome {
            // The changed field, the group or object it is in, or the totals over groups.
            let path = change.path();
            let group = path.split_once('.').map(|(group, _)| group);
            let related = e.errors.iter().any(|error| {
                let field = error.field.as_str();
                path.starts_with(field)
                    || field.starts_with(path)
                    || shorten(path) == field
                    || group.is_some_and(|g| field.starts_with(g))
                    || field == "workload"
            });
            prop_assert!(related, "changed {:?}, got {}", change, e);
        }
        Ok(())
    });
}

/// A valid workload's text with something spliced in at a random place: nesting, a number
/// beyond f64, a bracket, a quote, any text.
fn spliced() -> impl Strategy<Value = String> {
    let insert = prop_oneof![
        (1usize..300).prop_map(|n| format!("{}1{}", "[".repeat(n), "]".repeat(n))),
        (1usize..300).prop_map(|n| format!("{}1{}", "{\"a\":".repeat(n), "}".repeat(n))),
        Just("1e999".to_string()),
        Just("-1e400".to_string()),
        Just("[".to_string()),
        Just("\"".to_string()),
        Just("\\".to_string()),
        "\\PC{0,8}",
    ];
    (workload(), any::<prop::sample::Index>(), insert).prop_map(|(w, at, insert)| {
        let text = w.to_string();
        let boundaries: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .chain([text.len()])
            .collect();
        let at = boundaries[at.index(boundaries.len())];
        format!("{}{}{}", &text[..at], insert, &text[at..])
    })
}

#[test]
fn properties_any_text_gets_an_answer_never_a_panic() {
    check(
        "any text",
        prop_oneof![any::<String>(), spliced()],
        |text| {
            let outcome = Workload::from_json(&text, LIMITS);
            match &outcome {
                Ok(w) => {
                    let again = Workload::from_json(&serde_json::to_string(w).unwrap(), LIMITS);
                    prop_assert!(again.as_ref().is_ok_and(|a| same(a, w)), "{:?}", again);
                }
                Err(e) => {
                    prop_assert!(!e.errors.is_empty());
                    prop_assert!(e.to_string().chars().count() < 6_000);
                }
            }
            Ok(())
        },
    );
}

#[test]
fn properties_a_field_nested_too_deep_is_named_with_its_depth() {
    let field = prop::sample::select(vec![
        "threads",
        "strategy",
        "groups[0].count",
        "groups[0].name",
        "groups[0]",
    ]);
    check(
        "deep field",
        (workload(), field, 1usize..400, any::<bool>()),
        |(w, field, levels, lists)| {
            let deep = if lists {
                format!("{}0{}", "[".repeat(levels), "]".repeat(levels))
            } else {
                format!("{}0{}", "{\"k\":".repeat(levels), "}".repeat(levels))
            };
            let mut value = w.clone();
            let marker = json!("\u{1}deep\u{1}");
            match field.split_once('.') {
                Some((_, key)) => value["groups"][0][key] = marker.clone(),
                None if field == "groups[0]" => value["groups"][0] = marker.clone(),
                None => value[field] = marker.clone(),
            }
            let text = value.to_string().replace(&marker.to_string(), &deep);
            let e = Workload::from_json(&text, LIMITS)
                .expect_err("a list or object where a value goes");
            // An object where a group goes is a group: its field `k` holds the rest.
            let (field, levels) = if field == "groups[0]" && !lists {
                ("groups[0].k", levels - 1)
            } else {
                (field, levels)
            };
            // Levels above it: the workload (1), and for a group's field, groups (2) and the group (3).
            let above = match field {
                "groups[0]" => 2,
                f if f.starts_with("groups[0].") => 3,
                _ => 1,
            };
            let error = e.errors.iter().find(|e| e.field == field);
            prop_assert!(error.is_some(), "{} not named in {}", field, e);
            let message = &error.unwrap().message;
            if field == "groups[0].k" {
                // A field no group has: named as such, whatever its value.
                prop_assert!(message.starts_with("is not a known field"), "{}", message);
            } else if levels + above > LIMITS.max_depth {
                let kind = if lists { "a list" } else { "an object" };
                let words = format!("{kind} nested {levels} levels deep");
                prop_assert!(message.contains(&words), "{}", message);
            } else {
                prop_assert!(!message.contains("nested"), "{}", message);
            }
            Ok(())
        },
    );
}
