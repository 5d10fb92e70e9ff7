// Hot reload of rules and config. The rules files/directories and the config file are watched with
// chokidar; a burst of changes (an editor's write + rename, a `cp -r` of a rule set) is debounced
// into one recompile, which runs between the source's batches and ends in swap(). A change that
// does not compile is logged one diagnostic a line (file:line:col) and the running rules stay: the
// agent never runs with no rules because someone saved a half-edited file.
//
// Compile cost lands on the event loop: the front end takes ~0.1 s on the bundled rules, the WASM
// build inside WasmDetector.swap() 1-2 s. The device reader runs on its own worker and buffers
// into its slots meanwhile, so a reload delays records rather than losing them.
import type { FSWatcher } from 'chokidar';
import { resolve } from 'node:path';
import { ConfigError, loadConfig } from '../config/load.js';
import type { VigilConfig } from '../config/types.js';
import type { PipelineContext } from '../cli/pipelines.js';
import { BUNDLED_RULES_DIR, compileRules, expandRuleFiles, RulesError, type CompiledRules } from './rules.js';
import { diagnosticLines, RELOAD_FAILED_RULE, RELOAD_OK_RULE } from './reload-report.js';

/** What a reload swaps: a Detector, a LiveRun (`{ swap: (r) => live.swapRules(r) }`), an audit matcher holder. */
export interface Swappable { swap(rules: CompiledRules): Promise<void> }

export interface ReloadResult {
  ok: boolean;
  /** The changed paths that caused it (or 'manual'). */
  trigger: string[];
  rules?: CompiledRules;
  /** One line per diagnostic, each naming file:line:col. */
  errors: string[];
  ms: number;
}

export interface ReloadOptions {
  /** Quiet time after the last change before recompiling. */
  debounceMs?: number;
  /** The config file to watch; default the `-c` flag. `-o` overrides keep applying on top. */
  configFile?: string;
  /** Raise Vigil's internal alerts through ctx.onMatch (default true). */
  alerts?: boolean;
  /** Called after every reload attempt (tests, and callers that keep the rules for something else). */
  onResult?: (r: ReloadResult) => void;
  /** The compiler; tests may count calls. */
  compile?: (paths: string[]) => CompiledRules;
}

export interface RulesWatch {
  /** Settles once the initial scan of the watched paths is done: changes after it are seen. */
  readonly ready: Promise<void>;
  /** Recompiles now (as a change would); resolves with the result. */
  reload(trigger?: string[]): Promise<ReloadResult>;
  close(): Promise<void>;
}

const rulePathsOf = (ctx: PipelineContext, config: VigilConfig): string[] => {
  const flag = ctx.flags.rules;
  return Array.isArray(flag) ? flag : flag ? [String(flag)] : config.rules_files;
};

const optionsOf = (ctx: PipelineContext): string[] => {
  const o = ctx.flags.option;
  return Array.isArray(o) ? o : o ? [String(o)] : [];
};

/** Config keys whose change a reload cannot apply to a running agent (outputs, sources, servers). */
function needsRestart(a: VigilConfig, b: VigilConfig): string[] {
  const keys = Object.keys(a) as Array<keyof VigilConfig>;
  return keys.filter((k) => k !== 'rules_files' && JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}

export function watchRules(ctx: PipelineContext, target: Swappable, paths: string[], opts: ReloadOptions = {}): RulesWatch {
  const debounceMs = opts.debounceMs ?? 300;
  const compile = opts.compile ?? compileRules;
  const configFile = opts.configFile ?? (typeof ctx.flags.config === 'string' ? ctx.flags.config : undefined);
  const log = ctx.log.child({ component: 'reload' });
  let config = ctx.config;
  let rulePaths = paths;
  let watched = new Set<string>();
  let watcher: FSWatcher | undefined;
  // A watcher per set of paths: a new rules_files list gets a fresh one, ready before the compile,
  // so an edit of a newly listed file right after the reload is never missed.
  const startWatching = async (): Promise<void> => {
    await watcher?.close();
    // With none of the configured paths there, compileRules loads the bundled rules: watch those.
    const rules = expandRuleFiles(rulePaths).length ? rulePaths : [...rulePaths, BUNDLED_RULES_DIR];
    watched = new Set([...rules, ...(configFile ? [configFile] : [])].map((p) => resolve(p)));
    // (chokidar is loaded here, by the first watch: a replay or a capture never watches)
    const { watch } = await import('chokidar');
    const w = watch([...watched], { ignoreInitial: true, persistent: true });
    watcher = w;
    w.on('all', (event, path) => {
      if ((event === 'add' || event === 'change' || event === 'unlink') && relevant(path)) changed(path);
      else if ((event === 'addDir' || event === 'unlinkDir') && explicit(path)) changed(path);
    });
    w.on('error', (e) => log.warn('watching rule files failed', { error: e as Error }));
    await new Promise<void>((r) => w.once('ready', () => r()));
    log.debug('watching rules for changes', { paths: [...watched] });
  };
  let timer: NodeJS.Timeout | undefined;
  let pending = new Set<string>();
  // One reload at a time, and at most one waiting behind it: changes that arrive during a compile
  // join the waiting one, so a burst never queues a compile per event.
  let chain: Promise<unknown> = Promise.resolve();
  let queued: { trigger: Set<string>; p: Promise<ReloadResult> } | undefined;
  let closed = false;

  const report = (r: ReloadResult) => {
    ctx.metrics.reloadResult(r.ok);
    const trigger = r.trigger.join(',');
    if (r.ok) {
      log.info('rules reloaded', { trigger, files: r.rules!.files, rules: r.rules!.rules.length, ms: Math.round(r.ms) });
    } else {
      log.error('rules reload rejected; the previous rules keep running', { trigger, errors: r.errors.length });
      for (const e of r.errors) log.error('rule error', { diagnostic: e });
    }
    if (opts.alerts !== false) {
      const v: Record<string, string> = r.ok
        ? { 'vigil.rules': String(r.rules!.rules.length), 'vigil.rule_files': r.rules!.files.join(','), 'vigil.trigger': trigger }
        : { 'vigil.errors': String(r.errors.length), 'vigil.first_error': r.errors[0] ?? '', 'vigil.trigger': trigger };
      ctx.onMatch({ rule: r.ok ? RELOAD_OK_RULE : RELOAD_FAILED_RULE, timeNs: BigInt(Date.now()) * 1_000_000n, resolve: (f) => v[f] });
    }
    opts.onResult?.(r);
  };

  /** A config change: re-read it with the same overrides; only rules_files can apply live. */
  const rereadConfig = async (): Promise<string[] | undefined> => {
    let next: VigilConfig;
    try { next = loadConfig({ file: configFile, overrides: optionsOf(ctx) }); } catch (e) {
      if (e instanceof ConfigError) return [e.message];
      throw e;
    }
    const restart = needsRestart(config, next);
    if (restart.length) log.warn('config keys changed that apply only after a restart', { keys: restart });
    const nextPaths = rulePathsOf(ctx, next);
    config = next;
    if (JSON.stringify(nextPaths) !== JSON.stringify(rulePaths)) {
      log.info('rules_files changed', { from: rulePaths, to: nextPaths });
      rulePaths = nextPaths;
      if (!closed) await startWatching();
    }
    return undefined;
  };

  const once = async (trigger: string[]): Promise<ReloadResult> => {
    // Let the source's current batch finish before the CPU-heavy part starts.
    await new Promise((r) => setImmediate(r));
    const t0 = performance.now();
    const fail = (errors: string[]): ReloadResult => ({ ok: false, trigger, errors, ms: performance.now() - t0 });
    if (configFile && trigger.some((t) => resolve(t) === resolve(configFile))) {
      const err = await rereadConfig();
      if (err) return fail(err);
    }
    let rules: CompiledRules;
    try {
      rules = compile(rulePaths);
      await target.swap(rules);
    } catch (e) {
      if (e instanceof RulesError) return fail(diagnosticLines(e.message));
      return fail([`${(e as Error).message.split('\n')[0]}`]);
    }
    for (const w of rules.warnings) log.debug('rule warning', { diagnostic: w });
    return { ok: true, trigger, rules, errors: [], ms: performance.now() - t0 };
  };

  const reload = (trigger: string[] = ['manual']): Promise<ReloadResult> => {
    if (queued) { for (const t of trigger) queued.trigger.add(t); return queued.p; }
    const q = { trigger: new Set(trigger), p: undefined as unknown as Promise<ReloadResult> };
    queued = q;
    q.p = chain.then(async () => {
      queued = undefined;
      const r = await once([...q.trigger]);
      if (!closed) report(r);
      return r;
    });
    chain = q.p.catch((e) => log.error('rules reload failed', { error: e as Error }));
    return q.p;
  };

  // Inside a watched directory only rule files count (an editor's swap file is not a rule change).
  const explicit = (p: string) => watched.has(resolve(p));
  const relevant = (p: string) => explicit(p) || /\.ya?ml$/i.test(p);
  const changed = (path: string) => {
    if (closed) return;
    pending.add(path);
    clearTimeout(timer);
    timer = setTimeout(() => {
      const trigger = [...pending];
      pending = new Set();
      void reload(trigger);
    }, debounceMs);
  };
  const ready = startWatching();

  return {
    ready,
    reload,
    async close() {
      closed = true;
      clearTimeout(timer);
      await ready.catch(() => undefined);
      await chain;
      await watcher?.close();
    },
  };
}
