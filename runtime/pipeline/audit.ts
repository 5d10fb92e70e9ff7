// The Kubernetes audit source inside the agent. `vigil run` with k8s_audit.enabled serves the
// webhook (runtime/sources/k8saudit/server.ts) and sends what it receives through the k8s_audit
// rules to the outputs; `vigil replay FILE.json` (and `--follow`) reads audit events from a file
// through the same matcher, so both paths produce the same alerts for the same events.
import { readFileSync } from 'node:fs';
import type { PipelineContext, PipelineFactory, RunningPipeline } from '../cli/pipelines.js';
import { UsageError } from '../cli/command.js';
import type { VigilConfig } from '../config/types.js';
import { AuditServer, type AuditServerOptions } from '../sources/k8saudit/server.js';
import { AuditMatcher } from '../sources/k8saudit/match.js';
import { AuditFileFollower, formatLineError, readAuditFile } from '../sources/k8saudit/file.js';
import type { AuditEvent } from '../../compiler/fields/k8saudit.js';
import { compileRules, RulesError, type CompiledRules } from './rules.js';
import { watchRules } from './reload.js';

export const isAuditFile = (file: string | undefined): boolean => !!file && /\.json(l)?$/i.test(file);

function readPem(key: string, file: string): string {
  if (!file) throw new UsageError(`k8s_audit.${key} is required when k8s_audit.enabled is true`);
  try { return readFileSync(file, 'utf8'); } catch (e) {
    throw new UsageError(`k8s_audit.${key}: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** The webhook server's options from the agent's config (files read here, so a bad path fails start-up). */
export function auditServerOptions(c: VigilConfig['k8s_audit']): AuditServerOptions {
  const token = c.token_file ? readPem('token_file', c.token_file).trim() : undefined;
  if (token === '') throw new UsageError(`k8s_audit.token_file: ${c.token_file} is empty`);
  const clientCa = c.client_ca_file ? readPem('client_ca_file', c.client_ca_file) : undefined;
  if (!token && !clientCa) throw new UsageError('k8s_audit: set k8s_audit.client_ca_file and/or k8s_audit.token_file (the webhook never runs unauthenticated)');
  return {
    cert: readPem('cert_file', c.cert_file), key: readPem('key_file', c.key_file), clientCa, token,
    host: c.listen_address, port: c.listen_port, path: c.path, maxBody: c.max_body_bytes,
    queueCapacity: c.queue_capacity, cluster: c.cluster_name || undefined,
  };
}

function rulePathsOf(ctx: PipelineContext): string[] {
  const flag = ctx.flags.rules;
  return Array.isArray(flag) ? flag : flag ? [String(flag)] : ctx.config.rules_files;
}

function rulesFor(ctx: PipelineContext, compiled?: CompiledRules): CompiledRules {
  if (compiled) return compiled;
  const paths = rulePathsOf(ctx);
  try { return compileRules(paths); } catch (e) { if (e instanceof RulesError) throw new UsageError(e.message); throw e; }
}

/** Runs events through the matcher, counting them. The holder's matcher is replaced on hot reload. */
function sink(ctx: PipelineContext, h: { matcher: AuditMatcher }): (evs: AuditEvent[]) => void {
  return (evs) => {
    for (const ev of evs) { ctx.metrics.eventsRead.inc(); h.matcher.match(ev, ctx.onMatch); }
  };
}

/** A matcher that hot reload can swap (runtime/pipeline/reload.ts): the next event sees the new rules. */
export class AuditRules {
  matcher: AuditMatcher;
  constructor(rules: CompiledRules) { this.matcher = new AuditMatcher(rules); }
  async swap(rules: CompiledRules): Promise<void> { this.matcher = new AuditMatcher(rules); }
}

export interface AuditSource extends RunningPipeline { readonly rules: AuditRules }

/** Starts the webhook; the pipeline lives until stop(). */
export async function startAuditSource(ctx: PipelineContext, compiled?: CompiledRules): Promise<AuditSource> {
  const rules = rulesFor(ctx, compiled);
  const holder = new AuditRules(rules);
  const matcher = holder.matcher;
  if (matcher.rules.length === 0) ctx.log.warn('k8s_audit source enabled but no k8s_audit rule is loaded', { files: rules.files });
  const server = new AuditServer(auditServerOptions(ctx.config.k8s_audit));
  let port: number;
  try { port = await server.listen(); } catch (e) {
    throw new UsageError(`k8s_audit: cannot listen on ${ctx.config.k8s_audit.listen_address}:${ctx.config.k8s_audit.listen_port}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  ctx.log.info('k8s audit webhook listening', { address: ctx.config.k8s_audit.listen_address, port, path: ctx.config.k8s_audit.path, rules: matcher.rules.length });
  const requests = ctx.metrics.registry.counter('vigil_k8s_audit_requests_total', 'Audit webhook requests by HTTP status');
  ctx.metrics.registry.onCollect(() => {
    requests.with({ code: '200' }).set(server.stats.accepted);
    for (const [code, n] of Object.entries(server.stats.rejected)) requests.with({ code }).set(n);
  });
  const feed = sink(ctx, holder);
  let failure: string | undefined;
  const consumer = (async () => {
    for (let evs = await server.queue.take(); evs.length; evs = await server.queue.take()) {
      try { feed(evs); } catch (e) {
        // A rule that throws on one odd event must not stop the source: log it and go on.
        failure = (e as Error).message;
        ctx.log.error('k8s audit event evaluation failed', { error: failure });
      }
    }
  })();
  let stopping: Promise<void> | undefined;
  return {
    rules: holder,
    // A live source: settles only once stopped.
    done: consumer,
    stop: () => (stopping ??= (async () => { await server.close(); await consumer; })()),
    health: () => (failure ? { ok: true, reason: `last evaluation error: ${failure}` } : { ok: true }),
  };
}

/** `vigil replay FILE.json [--follow]`: audit events from a file (or a growing log) through the rules. */
export async function startAuditReplay(ctx: PipelineContext, compiled?: CompiledRules): Promise<RunningPipeline> {
  const file = ctx.positionals[0];
  const rules = rulesFor(ctx, compiled);
  const holder = new AuditRules(rules);
  const feed = sink(ctx, holder);
  const onError = (e: Parameters<typeof formatLineError>[0]) => ctx.log.warn('bad audit event', { error: formatLineError(e) });
  if (!ctx.flags.follow) {
    let stopped = false;
    const done = (async () => {
      let events: AuditEvent[];
      try { events = readAuditFile(file, onError, ctx.config.k8s_audit.cluster_name || undefined); } catch (e) {
        throw new UsageError(`vigil replay: ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      for (const ev of events) { if (stopped) break; feed([ev]); }
    })();
    return { done, async stop() { stopped = true; await done.catch(() => undefined); }, health: () => ({ ok: true }) };
  }
  // Following reads the whole file first, then what is appended, like `tail -F -n +1`.
  const follower = new AuditFileFollower(file, feed, { fromStart: true, onError, cluster: ctx.config.k8s_audit.cluster_name || undefined });
  await follower.start();
  // Following is a long-running job: rule edits apply to the next events, as in the live agent.
  const watch = watchRules(ctx, holder, rulePathsOf(ctx));
  await watch.ready;
  let release!: () => void;
  const done = new Promise<void>((r) => { release = r; });
  return {
    done,
    async stop() { await follower.stop(); await watch.close(); release(); },
    health: () => ({ ok: true }),
  };
}

/** `vigil replay`: audit JSON here, anything else to the capture replay. */
export function replayDispatcher(other: PipelineFactory): PipelineFactory {
  return (ctx) => (isAuditFile(ctx.positionals[0]) ? startAuditReplay(ctx) : other(ctx));
}

/**
 * `vigil run` while the syscall side is not wired in: with syscall.enabled false it runs the audit
 * source alone; anything else is refused with the reason rather than silently watching nothing.
 */
export const auditOnlyRun: PipelineFactory = async (ctx) => {
  if (ctx.config.syscall.enabled) throw new UsageError('vigil run: the kernel event source is not available in this build; run with -o syscall.enabled=false and k8s_audit.enabled=true for the audit webhook alone');
  if (!ctx.config.k8s_audit.enabled) throw new UsageError('vigil run: no event source enabled (syscall.enabled and k8s_audit.enabled are both false)');
  return startAuditSource(ctx);
};
