//! The engine's contract, published to JavaScript in one piece (`pg.strategies`,
//! `pg.limits`, `pg.spanKinds`, ...): the page, the embed and the tests derive from it
//! instead of restating it.

use crate::probe::PROBE_MS;
use crate::trace::{Lane, Span, SpanKind, KEPT_RUNS, MAIN_LANE};
use crate::workload::{
    CounterSync, Limits, Pool, Strategy, GROUP_FIELDS, MAX_POOL_THREADS, MIN_POOL_THREADS,
    WORKLOAD_FIELDS,
};
use serde::Serialize;

/// One strategy as JS sees it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StrategyInfo {
    pub name: &'static str,
    /// The pool of workers it runs on (`"threads"`), or `null` for the page's thread only.
    pub pool: Option<Pool>,
}

/// How big the worker pool is made: `cores` clamped to `[min, max]`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PoolRule {
    pub min_threads: u32,
    pub max_threads: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Contract {
    /// Every strategy, in the order the page offers them.
    pub strategies: Vec<StrategyInfo>,
    /// Every way tasks can update the shared counter (the workload's `sync`), default first.
    pub syncs: Vec<&'static str>,
    /// Every span kind, by name, in the order of their codes.
    pub span_kinds: Vec<&'static str>,
    /// The fields of a span as it crosses to JS packed in numbers, in order.
    pub packed_span: [&'static str; Span::PACKED_LEN],
    /// Every limit validation enforces, with the widest pool.
    pub limits: Limits,
    pub pool: PoolRule,
    /// The fields of a workload and of a task group, as JSON names them.
    pub workload_fields: [&'static str; WORKLOAD_FIELDS.len()],
    pub group_fields: [&'static str; GROUP_FIELDS.len()],
    /// The page's event loop's lane (a lane's `role` says the same: `main`).
    pub main_lane: Lane,
    /// How often a run asks the event loop to answer a timer, ms (`eventLoopDelayMs`).
    pub probe_interval_ms: f64,
    /// How many finished runs the engine keeps the spans of, for `exportTrace`.
    pub kept_runs: usize,
}

pub fn contract() -> Contract {
    Contract {
        strategies: Strategy::ALL
            .iter()
            .map(|&s| StrategyInfo {
                name: s.name(),
                pool: s.pool(),
            })
            .collect(),
        syncs: CounterSync::ALL.iter().map(|s| s.name()).collect(),
        span_kinds: SpanKind::ALL.iter().map(|k| k.name()).collect(),
        packed_span: Span::PACKED_FIELDS,
        limits: Limits::DEFAULT,
        pool: PoolRule {
            min_threads: MIN_POOL_THREADS,
            max_threads: MAX_POOL_THREADS,
        },
        workload_fields: WORKLOAD_FIELDS,
        group_fields: GROUP_FIELDS,
        main_lane: MAIN_LANE,
        probe_interval_ms: PROBE_MS,
        kept_runs: KEPT_RUNS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_contract_lists_every_strategy_kind_and_limit_in_camel_case() {
        let c = serde_json::to_value(contract()).unwrap();
        assert_eq!(
            c["strategies"],
            json!([
                { "name": "sequential", "pool": null },
                { "name": "concurrent", "pool": null },
                { "name": "parallel", "pool": "threads" },
                { "name": "hybrid", "pool": "threads" },
                { "name": "processes", "pool": "processes" },
            ])
        );
        assert_eq!(c["syncs"], json!(["none", "atomic", "lock", "message"]));
        assert_eq!(
            c["spanKinds"],
            json!([
                "cpu",
                "io",
                "lockWait",
                "transfer",
                "startup",
                "update",
                "lockHeld",
                "namedLockWait"
            ])
        );
        assert_eq!(
            c["packedSpan"],
            json!([
                "task",
                "group",
                "step",
                "lane",
                "kind",
                "start",
                "end",
                "lock",
                "holder",
                "holderLane",
                "value"
            ])
        );
        assert_eq!(c["limits"]["maxIncrementsPerTask"], 10_000);
        assert_eq!(c["limits"]["maxIncrements"], 50_000);
        assert_eq!(c["limits"]["maxLocksPerGroup"], 8);
        assert_eq!(c["limits"]["maxLocks"], 16);
        assert_eq!(c["limits"]["maxLockNameChars"], 16);
        assert_eq!(c["limits"]["maxGroups"], 12);
        assert_eq!(c["limits"]["maxThreads"], 16);
        assert_eq!(c["limits"]["maxSpans"], 200_000);
        assert_eq!(c["pool"], json!({ "minThreads": 4, "maxThreads": 16 }));
        assert_eq!(c["groupFields"][0], "name");
        assert_eq!(c["workloadFields"][0], "strategy");
        assert_eq!(
            (
                c["mainLane"].clone(),
                c["probeIntervalMs"].clone(),
                c["keptRuns"].clone()
            ),
            (json!(0), json!(10.0), json!(16))
        );
    }
}
