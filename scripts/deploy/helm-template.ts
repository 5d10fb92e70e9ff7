// `helm template` for deploy/helm/vigil, on the Go-template renderer in gotemplate.ts (real Helm
// cannot be installed here; see that file). Values are merged the way Helm merges -f files: maps
// deeply, everything else replaced. Documents come out in Helm's install order by kind.
//
//   npx tsx scripts/deploy/helm-template.ts [-f values.yaml]... [--name vigil] [--namespace vigil]
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';
import { TemplateSet } from './gotemplate.js';

export const CHART_DIR = fileURLToPath(new URL('../../deploy/helm/vigil', import.meta.url));

// Helm's kind install order (pkg/releaseutil/kind_sorter.go), for the kinds a chart may hold.
const INSTALL_ORDER = [
  'PriorityClass', 'Namespace', 'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'PodSecurityPolicy',
  'PodDisruptionBudget', 'ServiceAccount', 'Secret', 'SecretList', 'ConfigMap', 'StorageClass',
  'PersistentVolume', 'PersistentVolumeClaim', 'CustomResourceDefinition', 'ClusterRole',
  'ClusterRoleList', 'ClusterRoleBinding', 'ClusterRoleBindingList', 'Role', 'RoleList', 'RoleBinding',
  'RoleBindingList', 'Service', 'DaemonSet', 'Pod', 'ReplicationController', 'ReplicaSet', 'Deployment',
  'HorizontalPodAutoscaler', 'StatefulSet', 'Job', 'CronJob', 'IngressClass', 'Ingress', 'APIService',
];

export interface RenderOptions { name?: string; namespace?: string; values?: Array<Record<string, unknown>> }
export interface RenderedDoc { source: string; text: string; obj: Record<string, any> }

export function mergeValues(base: unknown, over: unknown): unknown {
  if (isMap(base) && isMap(over)) {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = v === null ? undefined : mergeValues(base[k], v);
    for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
    return out;
  }
  return over;
}

export function renderChart(opts: RenderOptions = {}, chartDir = CHART_DIR): RenderedDoc[] {
  const chart = parse(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8')) as Record<string, string>;
  let values = parse(readFileSync(join(chartDir, 'values.yaml'), 'utf8')) as unknown;
  for (const v of opts.values ?? []) values = mergeValues(values, v);
  const ctx = {
    Values: values,
    Release: { Name: opts.name ?? 'vigil', Namespace: opts.namespace ?? 'vigil', Service: 'Helm', IsInstall: true, IsUpgrade: false, Revision: 1 },
    Chart: { Name: chart.name, Version: chart.version, AppVersion: chart.appVersion, Description: chart.description },
  };
  const tdir = join(chartDir, 'templates');
  const names = readdirSync(tdir).sort();
  const set = new TemplateSet();
  for (const n of names) set.add(`${chart.name}/templates/${n}`, readFileSync(join(tdir, n), 'utf8'));
  const docs: RenderedDoc[] = [];
  for (const n of names) {
    if (n.startsWith('_') || !/\.ya?ml$/.test(n)) continue;
    const source = `${chart.name}/templates/${n}`;
    const out = set.render(source, ctx);
    for (const piece of out.split(/^---\s*$/m)) {
      const parsed = parseAllDocuments(piece);
      for (const d of parsed) {
        if (d.errors.length) throw new Error(`${source}: rendered YAML is invalid: ${d.errors[0]!.message}\n${piece}`);
        const obj = d.toJS() as Record<string, any> | null;
        if (obj === null || obj === undefined) continue;
        docs.push({ source, text: piece.replace(/^\s*\n/, '').replace(/\s+$/, ''), obj });
      }
    }
  }
  const rank = (k: string) => { const i = INSTALL_ORDER.indexOf(k); return i < 0 ? INSTALL_ORDER.length : i; };
  return docs.map((d, i) => ({ d, i })).sort((a, b) => rank(a.d.obj.kind) - rank(b.d.obj.kind) || a.i - b.i).map((x) => x.d);
}

/** The stream `helm template` prints: `# Source:` comments and documents separated by ---. */
export function toStream(docs: RenderedDoc[]): string {
  return docs.map((d) => `---\n# Source: ${d.source}\n${d.text}\n`).join('');
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const opts: RenderOptions = { values: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-f' || a === '--values') opts.values!.push(parse(readFileSync(args[++i]!, 'utf8')) as Record<string, unknown>);
    else if (a === '--name') opts.name = args[++i];
    else if (a === '--namespace' || a === '-n') opts.namespace = args[++i];
    else { console.error(`unknown argument ${a}`); process.exit(2); }
  }
  process.stdout.write(toStream(renderChart(opts)));
}
