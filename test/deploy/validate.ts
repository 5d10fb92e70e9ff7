// Validates rendered objects against the Kubernetes OpenAPI schemas shipped in the
// kubernetes-models package (Kubernetes 1.27 API) and, for ServiceMonitor, the Prometheus
// Operator CRD schema from @kubernetes-models/prometheus-operator. Offline: the schemas are in
// node_modules.
type Model = new (data: unknown) => { validate(): void };

export async function modelFor(apiVersion: string, kind: string): Promise<Model> {
  const mod = apiVersion.startsWith('monitoring.coreos.com/')
    ? `@kubernetes-models/prometheus-operator/${apiVersion}`
    : `kubernetes-models/${apiVersion}`;
  const m = (await import(mod)) as Record<string, Model | undefined>;
  const cls = m[kind];
  if (!cls) throw new Error(`no schema for ${apiVersion} ${kind}`);
  return cls;
}

/** Throws with the object's kind/name and the schema errors when the object is invalid. */
export async function validateObject(obj: Record<string, any>): Promise<void> {
  const Cls = await modelFor(obj.apiVersion, obj.kind);
  try {
    new Cls(obj).validate();
  } catch (e) {
    throw new Error(`${obj.kind}/${obj.metadata?.name}: ${(e as Error).message}`);
  }
}
