// Every kind of span the engine records (its contract's `spanKinds`, `pg.spanKinds`), and all
// the page knows of each, in one table: its words, how a timeline draws it, its colour, what a
// task is doing while it lasts, and which kind a lane shows when several are active on it. A
// kind the engine adds is added here; tests/unit/words.test.mjs checks that the two lists agree.
//
//   draw:   'solid' (computing), 'transfer' (light, striped), 'startup' (neutral stripes),
//           'lockWait' (red stripes), 'wait' (thin, hatched; packed beside the lane's other
//           waits), 'held' (a band along the lane's top), 'mark' (a band along its bottom)
//   row:    where it goes in its lane: 'solid' (the top rows), 'waits' (packed side by side:
//           a thread's tasks wait for them at once on the event loop), 'marks' (over the rows)
//   colour: 'group' (the task's group's), 'lock' (the lock's red), 'neutral' (grey)
//   task:   what the task is doing while it lasts (the replay counts them): 'running',
//           'waiting', 'lockWait', or null when it says nothing of that (a lock held, an
//           update: the task also does something else meanwhile)
//   rank:   when several of a lane's spans are active at an instant, the lowest rank is what
//           the lane is doing (an event loop computes one task while timers of others run)
//   forTask: false for what is not a task's own work (a process starting): not outlined with
//           the task, named differently in words

export const KINDS = {
  cpu: { words: 'computing', draw: 'solid', row: 'solid', colour: 'group', task: 'running', rank: 0 },
  transfer: { words: 'copying input in', draw: 'transfer', row: 'solid', colour: 'group', task: 'running', rank: 1 },
  startup: { words: 'starting a process', draw: 'startup', row: 'solid', colour: 'neutral', task: 'running', rank: 2, forTask: false },
  lockWait: { words: 'waiting for the global lock', draw: 'lockWait', row: 'solid', colour: 'lock', task: 'lockWait', rank: 3 },
  namedLockWait: { words: 'waiting for a lock', draw: 'lockWait', row: 'waits', colour: 'lock', task: 'lockWait', rank: 4 },
  io: { words: 'waiting (I/O)', draw: 'wait', row: 'waits', colour: 'group', task: 'waiting', rank: 5 },
  update: { words: 'updating the shared counter', draw: 'mark', row: 'marks', colour: 'group', task: null, rank: 6 },
  lockHeld: { words: 'holding a lock', draw: 'held', row: 'marks', colour: 'lock', task: null, rank: 7 },
};

/** What a kind the table doesn't know yet (the engine added one) is: drawn as computing, last. */
const UNKNOWN = { draw: 'solid', row: 'solid', colour: 'group', task: 'running', rank: Object.keys(KINDS).length };

/** The entry of `kind`, or a safe default for a kind this table doesn't know. */
export function kindOf(kind) {
  return KINDS[kind] ?? { ...UNKNOWN, words: kind };
}

/** Per kind, what a thread was doing: `{ cpu: 'computing', ... }`. */
export const KIND_WORDS = Object.freeze(Object.fromEntries(Object.entries(KINDS).map(([kind, k]) => [kind, k.words])));

/** The kinds in the order a lane shows them when several are active (rank). */
export const STATE_PRIORITY = Object.freeze(Object.keys(KINDS).sort((a, b) => KINDS[a].rank - KINDS[b].rank));
