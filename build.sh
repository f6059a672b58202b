#!/usr/bin/env bash
# One entry point for everything CI and a person run: ./build.sh <command>.
# Facts behind the choices below (measured on Debian 12): docs/toolchain.md.
set -euo pipefail
cd "$(dirname "$0")"

# wasm threads need a nightly compiler and std rebuilt with atomics. Pinned: a floating
# `nightly` breaks without warning (nightly-2026-05-19 has no wasm32 std at all).
NIGHTLY=nightly-2026-05-20
WASM_TARGET=wasm32-unknown-unknown
CHROMIUM=/usr/bin/chromium
CHROMEDRIVER=/usr/bin/chromedriver
# The other engines (tests/engines/): Debian's Firefox ESR driven by geckodriver, and WebKitGTK
# (Safari's engine) driven by WebKitWebDriver, which starts WebKitGTK's MiniBrowser in Xvfb.
FIREFOX=/usr/bin/firefox-esr
WEBKIT_DRIVER=/usr/bin/WebKitWebDriver
GECKODRIVER_VERSION=0.37.1
MDBOOK_VERSION=0.4.52
PORT="${PORT:-8000}"

# rustc no longer passes the shared-memory linker flags by itself. Without the link args the
# build succeeds, wasm-bindgen says nothing, and the page fails later with
# `DataCloneError: ... #<Memory> could not be cloned`. check_shared_memory guards against that.
WASM_RUSTFLAGS='-C target-feature=+atomics,+bulk-memory,+mutable-globals,+exception-handling'
# Panics unwind (wasm exception handling, in every browser with wasm threads), so a bug that
# panics ends one run with an error, and the engine, its pool and the next run go on (src/panic.rs).
# The price: the module is ~33 KB (gzip) bigger than with panic=abort.
WASM_RUSTFLAGS+=' -C panic=unwind'
WASM_RUSTFLAGS+=' -C link-arg=--shared-memory -C link-arg=--max-memory=1073741824'
WASM_RUSTFLAGS+=' -C link-arg=--import-memory'
WASM_RUSTFLAGS+=' -C link-arg=--export=__wasm_init_tls -C link-arg=--export=__tls_size'
WASM_RUSTFLAGS+=' -C link-arg=--export=__tls_align -C link-arg=--export=__tls_base'
# Only on the wasm commands, never in .cargo/config.toml: there it makes even the native
# `cargo test` rebuild std (22 s instead of 3 s).
BUILD_STD=(-Z build-std=panic_unwind,std)
# The module readers download (build_wasm only: tests and lints keep their Debug output and
# panic locations). Measured after wasm-opt, 158.2 KB brotli / 191.7 KB gzip -9 before
# (issue 22): std built for size (smaller sorts and formatting; `optimize_for_size`) -5.6 KB
# brotli; no file:line in panic messages (`location-detail=none`: the console line of a panic
# says what, not where) -4 KB; `{:?}` formats nothing (`fmt-debug=none`; no text a reader sees
# uses Debug) -1.3 KB. Together 147.3 KB brotli / 176.5 KB gzip; the kernel's speed is the
# bench's wasmKernelOverNative. In a target dir of its own: the wasm tests and lints, built
# with other flags, would otherwise rebuild std each time (cargo keeps one build per dir).
WASM_SIZE_RUSTFLAGS='-Z location-detail=none -Z fmt-debug=none'
WASM_SIZE_STD=(-Z build-std-features=optimize_for_size)
WASM_SIZE_TARGET_DIR=target/reader

step() { echo "==> $*"; }
die() { echo "error: $*" >&2; exit 1; }

cmd_help() {
  cat <<EOF
Usage: ./build.sh <command>

  serve   build the wasm module and serve www/ on http://127.0.0.1:${PORT}/ (PORT=... to change)
          with the cross-origin isolation headers that wasm threads need
  test    the fast checks first (rustfmt, clippy on the host and on wasm32, native cargo test,
          node unit tests), then it builds the module and runs wasm-bindgen tests and
          Playwright tests in headless Chromium, then a focused set of page tests in Firefox
          ESR, WebKitGTK and Chromium (WebDriver)
  bench   build (www/pkg and dist/), then run tests/bench/run.mjs: every speed goal, measured
          in one run (with Lighthouse on dist/, and WebKitGTK for the first processes run)
  bench soak
          build, then run tests/bench/soak.mjs: ${SOAK_RUNS:-500} mixed runs on one page; fails
          if memory or workers keep growing (SOAK_RUNS=... to change)
  bench cancel
          build, then run tests/bench/cancel.mjs: ${CANCEL_RUNS:-400} hybrid runs cancelled at random
          moments; the distribution of how long each took to end, and where the time went
  dist    build dist/: www/ for any static host, with a _headers file (Netlify, Cloudflare
          Pages) and coi-serviceworker.js (DIST_SERVICE_WORKER=1 turns it on; docs/embedding.md)
  help    show this text

Installs what is missing first: Rust ${NIGHTLY} (+ rust-src, ${WASM_TARGET}),
wasm-bindgen-cli at the version in Cargo.lock, npm devDependencies, and for test/bench
Debian's chromium + chromium-driver; for test also Debian's firefox-esr, webkit2gtk-driver
and xvfb, and geckodriver ${GECKODRIVER_VERSION} (cargo).
EOF
}

# --- setup: each check is quick when the tool is already there ----------------------------

install_toolchain() {
  if rustup toolchain list | grep -q "^${NIGHTLY}"; then
    step "rust ${NIGHTLY} already installed"
  else
    # RUSTUP_AUTO_INSTALL=0 on these machines: nothing installs it implicitly.
    step "installing rust ${NIGHTLY} (rust-src, clippy, ${WASM_TARGET})"
    rustup toolchain install "${NIGHTLY}" --profile minimal \
      --component rust-src --component clippy --target "${WASM_TARGET}"
  fi
  # The checks need clippy on the nightly (for wasm32) and rustfmt + clippy on the host's
  # default toolchain; an older install of the nightly may lack clippy.
  local host
  host=$(rustup show active-toolchain | awk '{ print $1 }')
  install_component "${NIGHTLY}" clippy
  install_component "${host}" clippy
  install_component "${host}" rustfmt
}

install_component() {
  local toolchain=$1 component=$2
  # (grep without -q: reading all input keeps rustup from dying of SIGPIPE under pipefail.)
  if rustup component list --installed --toolchain "${toolchain}" | grep "^${component}" >/dev/null; then
    return
  fi
  step "installing ${component} for ${toolchain}"
  rustup component add "${component}" --toolchain "${toolchain}"
}

install_wasm_bindgen() {
  local want have
  # The CLI must be the exact version of the wasm-bindgen crate the lock file resolved.
  want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
  [[ -n "${want}" ]] || die "no wasm-bindgen version found in Cargo.lock"
  have=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
  if [[ "${have}" == "${want}" ]]; then
    step "wasm-bindgen-cli ${want} already installed"
  else
    # Not --locked: a dependency version it locks is missing from the registry here.
    step "installing wasm-bindgen-cli ${want} (found: ${have:-none}; takes about 2 min)"
    cargo install wasm-bindgen-cli --version "${want}"
  fi
}

install_npm_packages() {
  # npm records what it installed in node_modules/.package-lock.json: reinstall when the
  # lock file or package.json is newer than that.
  local installed=node_modules/.package-lock.json
  if [[ -f "${installed}" && ! package.json -nt "${installed}" \
        && ! package-lock.json -nt "${installed}" ]]; then
    step "npm packages already installed"
    return
  fi
  # Playwright drives Debian's chromium; its own browser download fails here.
  if [[ -f package-lock.json ]]; then
    step "installing npm packages (npm ci)"
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
  else
    step "installing npm packages (npm install)"
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund
  fi
}

install_chromium() {
  if [[ -x "${CHROMIUM}" && -x "${CHROMEDRIVER}" ]]; then
    step "chromium and chromedriver already installed"
    return
  fi
  if [[ "$(id -u)" -ne 0 ]]; then
    die "tests need ${CHROMIUM} and ${CHROMEDRIVER}: run
    sudo apt-get update && sudo apt-get install -y chromium chromium-driver"
  fi
  step "installing chromium and chromium-driver (apt)"
  apt-get update
  apt-get install -y chromium chromium-driver
}

install_engines() {
  if [[ -x "${FIREFOX}" && -x "${WEBKIT_DRIVER}" ]] && command -v xvfb-run >/dev/null; then
    step "firefox-esr, webkit2gtk-driver and xvfb already installed"
    return
  fi
  if [[ "$(id -u)" -ne 0 ]]; then
    die "tests need ${FIREFOX}, ${WEBKIT_DRIVER} and xvfb-run: run
    sudo apt-get update && sudo apt-get install -y firefox-esr webkit2gtk-driver xvfb"
  fi
  # webkit2gtk-driver brings WebKitGTK (libwebkit2gtk-4.1-0), whose MiniBrowser is the browser
  # it drives; MiniBrowser has no headless mode, so it runs in Xvfb (xvfb-run).
  # The lock timeout: another apt-get (a second checkout's build.sh) may be installing.
  step "installing firefox-esr, webkit2gtk-driver and xvfb (apt)"
  apt-get -o DPkg::Lock::Timeout=600 update
  apt-get -o DPkg::Lock::Timeout=600 install -y firefox-esr webkit2gtk-driver xvfb
}

install_mdbook() {
  local have
  have=$(mdbook --version 2>/dev/null | awk '{ print $2 }' || true)
  if [[ "${have}" == "v${MDBOOK_VERSION}" ]]; then
    step "mdbook ${MDBOOK_VERSION} already installed"
    return
  fi
  # The tests embed the playground in a chapter mdBook builds (a real static-site generator).
  step "installing mdbook ${MDBOOK_VERSION} (found: ${have:-none}; a few minutes)"
  cargo install mdbook --version "${MDBOOK_VERSION}" --locked
}

install_geckodriver() {
  local have
  have=$(geckodriver --version 2>/dev/null | awk 'NR == 1 { print $2 }' || true)
  if [[ "${have}" == "${GECKODRIVER_VERSION}" ]]; then
    step "geckodriver ${GECKODRIVER_VERSION} already installed"
    return
  fi
  # Debian packages no geckodriver, and a prebuilt one can't be downloaded here: build the
  # pinned release from crates.io, with the versions its own lock file names.
  step "installing geckodriver ${GECKODRIVER_VERSION} (found: ${have:-none}; about 1.5 min on 2 idle cores)"
  cargo install geckodriver --version "${GECKODRIVER_VERSION}" --locked
}

setup() {
  install_toolchain
  install_wasm_bindgen
  install_npm_packages
}

# --- build --------------------------------------------------------------------------------

check_shared_memory() {
  local wasm=$1
  # A threaded module imports its memory, and that memory must be shared; a module built
  # without the link args above exports an ordinary memory instead. rustc names the import
  # env.memory; wasm-bindgen 0.2.130 moves it to "./playground_bg.js", so match any module.
  # (grep without -q: reading all input keeps wasm-dis from dying of SIGPIPE under pipefail.)
  if ! node_modules/.bin/wasm-dis "${wasm}" \
      | grep -E '^ *\(import "[^"]*" "memory" \(memory [^)]* shared\)\)' >/dev/null; then
    die "${wasm} does not import its memory as shared memory.
    The wasm link step needs: -C link-arg=--shared-memory -C link-arg=--import-memory
    -C link-arg=--max-memory=<bytes> and --export=__wasm_init_tls/__tls_size/__tls_align/__tls_base
    (see WASM_RUSTFLAGS in build.sh)."
  fi
  step "ok: ${wasm} imports a shared memory"
}

check_one_float_formatter() {
  local wasm=$1
  # The module writes numbers with serde_json's formatter (zmij) only: `{}` on an f64 anywhere
  # brings core's own (grisu and dragon, 5.5 KB brotli; issue 22). Its assertions' text is
  # the sign it is back (grep -a: the module is binary; -c reads it all, for pipefail).
  if [[ $(grep -ac 'assertion failed: d.mant' "${wasm}") != 0 ]]; then
    die "${wasm} carries core's float formatting: format an f64 for a message with
    crate::number::Num (src/number.rs), not with {} or {:e}."
  fi
  step "ok: ${wasm} formats numbers one way"
}

build_wasm() {
  step "building the wasm module (cargo +${NIGHTLY}, release, build-std)"
  RUSTFLAGS="${WASM_RUSTFLAGS} ${WASM_SIZE_RUSTFLAGS}" cargo "+${NIGHTLY}" build --release \
    --target "${WASM_TARGET}" "${BUILD_STD[@]}" "${WASM_SIZE_STD[@]}" --target-dir "${WASM_SIZE_TARGET_DIR}" --lib

  # wasm-opt takes ~25 s: skip the steps below when cargo left the module untouched since
  # they last succeeded (the stamp is written only after the memory check passes).
  local wasm="${WASM_SIZE_TARGET_DIR}/${WASM_TARGET}/release/playground.wasm" stamp=www/pkg/.stamp
  if [[ -f "${stamp}" && -f www/pkg/playground_bg.wasm \
        && ! "${wasm}" -nt "${stamp}" && ! build.sh -nt "${stamp}" ]]; then
    step "www/pkg is up to date with ${wasm}"
    return
  fi
  rm -f "${stamp}"

  # --keep-debug: the names tools/dead-closure-shims.mjs reads (wasm-opt drops them after).
  step "generating JS bindings into www/pkg (wasm-bindgen --target web)"
  wasm-bindgen --target web --keep-debug --out-dir www/pkg "${wasm}"
  patch_rayon_worker_init

  step "emptying the closure shims wasm-bindgen keeps for nothing (tools/dead-closure-shims.mjs)"
  node tools/dead-closure-shims.mjs www/pkg/playground_bg.wasm www/pkg/playground_bg.wasm

  # npm's binaryen, not Debian's: Debian's wasm-opt 108 breaks the threaded module
  # (`WebAssembly.Table.set(): Argument 1 is invalid` at load).
  # -Oz until nothing changes (--converge, ~25 s): 0.4 KB brotli less than one -O3 pass (issue
  # 22), the kernel as fast (the bench's wasmKernelOverNative).
  step "optimizing www/pkg/playground_bg.wasm (wasm-opt -Oz --converge)"
  node_modules/.bin/wasm-opt -Oz --converge \
    --enable-threads --enable-bulk-memory --enable-mutable-globals --enable-exception-handling \
    www/pkg/playground_bg.wasm -o www/pkg/playground_bg.wasm

  step "checking the module's memory"
  check_shared_memory www/pkg/playground_bg.wasm
  check_one_float_formatter www/pkg/playground_bg.wasm
  touch "${stamp}"
}

# wasm-bindgen-rayon 1.3's worker script (no-bundler) starts each worker with wasm-bindgen's
# deprecated positional init(module, memory): one console warning per worker on every load
# ("using deprecated parameters for the initialization function"). Upstream fixed the bundler
# variant only (https://github.com/RReverser/wasm-bindgen-rayon/pull/13); here the no-bundler
# one gets the same change, and the build stops if the line it replaces is gone.
patch_rayon_worker_init() {
  local helper old new
  helper=$(find www/pkg/snippets -path '*wasm-bindgen-rayon-*' -name 'workerHelpers.no-bundler.js' | head -n 1)
  old='await pkg.default(data.module, data.memory);'
  new='await pkg.default({ module_or_path: data.module, memory: data.memory });'
  [[ -n "${helper}" ]] || die "wasm-bindgen-rayon's workerHelpers.no-bundler.js not found under www/pkg/snippets"
  if grep -qF "${new}" "${helper}"; then return; fi
  grep -qF "${old}" "${helper}" || die "${helper} no longer calls init as expected (${old}): check patch_rayon_worker_init in build.sh"
  step "passing init's parameters as one object in ${helper} (no deprecation warning per worker)"
  sed -i "s|${old}|${new}|" "${helper}"
}

# --- commands -----------------------------------------------------------------------------

cmd_serve() {
  setup
  build_wasm
  step "serving www/ at http://127.0.0.1:${PORT}/ (headers: serve.json; Ctrl-C stops)"
  # --config is resolved against the served folder, so give it an absolute path.
  NO_UPDATE_CHECK=1 exec node_modules/.bin/serve --config "${PWD}/serve.json" \
    --listen "tcp://127.0.0.1:${PORT}" --no-clipboard www
}

check_style() {
  step "checking formatting (cargo fmt --check)"
  cargo fmt --check
  step "linting the host build (cargo clippy --all-targets, warnings are errors)"
  cargo clippy --all-targets -- -D warnings
  # On wasm32: the crate and its in-browser tests (the unit tests and examples are host-only).
  step "linting the wasm build (cargo +${NIGHTLY} clippy --target ${WASM_TARGET}, warnings are errors)"
  RUSTFLAGS="${WASM_RUSTFLAGS}" cargo "+${NIGHTLY}" clippy --release --target "${WASM_TARGET}" \
    "${BUILD_STD[@]}" --lib --test '*' -- -D warnings
}

test_native() {
  # Plain host build on the default toolchain: the core is platform-free and the wasm-only
  # crates are target-gated in Cargo.toml.
  step "native tests (cargo test)"
  cargo test
}

test_unit() {
  # Pure JS (the timeline's layout, the words, the protocol's copy of the strategies), in node,
  # against the engine's contract as the native build prints it.
  step "writing the engine's contract to artifacts/contract.json (cargo run --example contract)"
  mkdir -p artifacts
  cargo run --quiet --example contract >artifacts/contract.json
  step "node unit tests (node --test tests/unit/)"
  node --test tests/unit/
}

test_wasm() {
  # The runner serves the tests with COOP/COEP itself and drives chromium through
  # chromedriver; extra chromium flags (root needs --no-sandbox) come from webdriver.json.
  step "wasm tests in headless chromium (wasm-bindgen-test-runner)"
  RUSTFLAGS="${WASM_RUSTFLAGS}" \
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER="$(command -v wasm-bindgen-test-runner)" \
    CHROMEDRIVER="${CHROMEDRIVER}" \
    WASM_BINDGEN_TEST_TIMEOUT=120 \
    cargo "+${NIGHTLY}" test --release --target "${WASM_TARGET}" "${BUILD_STD[@]}" --test '*'
}

build_book() {
  step "building the mdBook tutorial that embeds the playground (tests/e2e/book -> artifacts/book)"
  rm -rf artifacts/book
  mdbook build tests/e2e/book --dest-dir "${PWD}/artifacts/book"
}

test_e2e() {
  build_book
  step "page tests in headless chromium (playwright)"
  NO_UPDATE_CHECK=1 node_modules/.bin/playwright test --config tests/e2e/playwright.config.mjs
}

test_engines() {
  # A focused set, not the Playwright suite again: in each engine the page with and without
  # isolation headers, and the embed view framed by a plain page of another site (about 2 min
  # for the three). Screenshots and figures go to artifacts/engines/.
  step "page tests in Firefox ESR, WebKitGTK and Chromium over WebDriver (node --test tests/engines/)"
  node --test tests/engines/engines.test.mjs
}

cmd_test() {
  # Fast checks first: a formatting slip, a lint or a failing unit test fails within minutes,
  # before the browsers are installed or the module is built.
  install_toolchain
  install_npm_packages
  check_style
  test_native
  test_unit
  install_wasm_bindgen
  install_chromium
  install_engines
  install_geckodriver
  install_mdbook
  build_wasm
  build_dist # the Playwright tests also serve dist/, with its _headers applied
  test_wasm
  test_e2e
  test_engines
  step "all tests passed"
}

cmd_bench() {
  setup
  install_chromium
  install_engines # the first processes run after a load is measured in WebKitGTK
  build_wasm
  build_dist # the page is measured as readers get it
  case "${1:-}" in
    "")
      step "running benchmarks (node tests/bench/run.mjs)"
      node tests/bench/run.mjs ;;
    soak)
      step "soaking the page: ${SOAK_RUNS:-500} mixed runs (node tests/bench/soak.mjs)"
      node tests/bench/soak.mjs ;;
    cancel)
      step "cancelling ${CANCEL_RUNS:-400} hybrid runs at random moments (node tests/bench/cancel.mjs)"
      node tests/bench/cancel.mjs ;;
    *) die "unknown benchmark: $1 (bench, bench soak or bench cancel)" ;;
  esac
}

# Files in www/ that only serve development: not deployed.
DIST_EXCLUDE=(bench pkg/.stamp)

build_dist() {
  step "writing dist/ (a copy of www/ without dev-only files)"
  rm -rf dist
  mkdir -p dist
  cp -R www/. dist/
  local file
  for file in "${DIST_EXCLUDE[@]}"; do rm -rf "dist/${file:?}"; done
  find dist -name '*.d.ts' -delete

  # What readers load, minified (each file with a source map for the browser's devtools), and
  # each page's script bundled with what it imports (tools/minify.mjs says why and what stays
  # where). Measured by ./build.sh bench: the JavaScript the page loads, 84 -> 53 KB gzip
  # minified. www/ stays as written (./build.sh serve).
  step "minifying dist/'s JavaScript and CSS, bundling each page's script (tools/minify.mjs, esbuild)"
  node tools/minify.mjs dist

  # Netlify and Cloudflare Pages read this file; its headers come from serve.json (what
  # ./build.sh serve sends), and docs/embedding.md shows them for nginx, Apache, Caddy and serve.
  step "writing dist/_headers from serve.json (isolation and CORS headers for every path)"
  node tools/headers.mjs >dist/_headers

  # For hosts that cannot set headers (GitHub Pages...): the coi-serviceworker package adds
  # COOP/COEP from a service worker after one reload. Copied always, switched on only with
  # DIST_SERVICE_WORKER=1: with real headers it is not needed, and it can't isolate a frame
  # on someone else's page (see docs/embedding.md).
  local version
  version=$(node -p "require('./node_modules/coi-serviceworker/package.json').version")
  step "copying coi-serviceworker ${version} to dist/coi-serviceworker.js"
  cp node_modules/coi-serviceworker/coi-serviceworker.min.js dist/coi-serviceworker.js
  if [[ "${DIST_SERVICE_WORKER:-0}" == 1 ]]; then
    step "DIST_SERVICE_WORKER=1: loading coi-serviceworker.js from dist/index.html and dist/embed.html"
    local tags='<script>window.coi = { shouldRegister: () => window.top === window.self };</script>'
    tags+='\n  <script src="coi-serviceworker.js"></script>'
    for file in dist/index.html dist/embed.html; do
      # Before the stylesheet, so it runs (and reloads once) before the page starts the engine.
      sed -i "s|^\( *\)<link rel=\"stylesheet\" href=\"style.css\">|\1${tags}\n&|" "${file}"
      grep -q 'src="coi-serviceworker.js"' "${file}" || die "could not add the service worker to ${file}"
    done
  fi

  # For hosts that serve precompressed files (nginx, Caddy, Apache: docs/embedding.md): brotli
  # and gzip -9 beside each file, which compressing on the fly rarely reaches. Last, so they
  # are of the files as deployed (with the service worker's tags, when asked for).
  step "writing .br (brotli 11) and .gz (gzip -9) beside dist/'s files (tools/precompress.mjs)"
  node tools/precompress.mjs dist

  step "dist/ written:"
  (cd dist && find . -type f -not -name '*.br' -not -name '*.gz' -printf '  %P (%s bytes)\n' | sort)
}

cmd_dist() {
  setup
  build_wasm
  build_dist
  step "done: deploy dist/ to any static host (headers: dist/_headers; others: docs/embedding.md)"
}

case "${1:-help}" in
  serve) cmd_serve ;;
  test) cmd_test ;;
  bench) cmd_bench "${2:-}" ;;
  dist) cmd_dist ;;
  help | -h | --help) cmd_help ;;
  *) cmd_help >&2; die "unknown command: $1" ;;
esac
