// The few Docker Engine API calls the autoscaler needs, over the Unix socket or TCP that
// DOCKER_HOST names. Plain node:http: the API is small and a client library would hide the
// version index that updates must carry.
import http from 'node:http';

export class DockerApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'DockerApiError';
  }

  /** Swarm refused an update made against a stale version index. */
  get outOfSequence(): boolean {
    return /update out of sequence/i.test(this.message);
  }

  get notFound(): boolean {
    return this.status === 404;
  }
}

export interface SwarmService {
  ID: string;
  Version: { Index: number };
  Spec: {
    Name: string;
    Labels?: Record<string, string>;
    Mode: { Replicated?: { Replicas?: number }; Global?: object };
    TaskTemplate: { Resources?: { Limits?: { NanoCPUs?: number } } };
    [key: string]: unknown;
  };
  UpdateStatus?: { State?: string };
}

export interface SwarmTask {
  ID: string;
  Slot?: number;
  DesiredState: string;
  Status: { State: string; Timestamp: string };
}

type Endpoint = { socketPath: string } | { host: string; port: number };

/** `unix:///var/run/docker.sock` or `tcp://host:2375`; anything else is an error naming it. */
export function parseDockerHost(value: string): Endpoint {
  if (value.startsWith('unix://')) return { socketPath: value.slice('unix://'.length) };
  const match = /^tcp:\/\/([^:/]+):(\d+)\/?$/.exec(value);
  if (match) return { host: match[1] ?? '', port: Number(match[2]) };
  throw new Error(`DOCKER_HOST must be unix:///path or tcp://host:port, not ${value}`);
}

export interface DockerApi {
  listManagedServices(): Promise<SwarmService[]>;
  inspectService(id: string): Promise<SwarmService>;
  runningTasks(serviceId: string): Promise<SwarmTask[]>;
  /** Sets the replica count on the spec as read at `version`. */
  scaleService(service: SwarmService, replicas: number): Promise<void>;
}

export function createDockerApi(dockerHost: string, timeoutMs = 10_000): DockerApi {
  const endpoint = parseDockerHost(dockerHost);

  const call = <T>(method: string, path: string, body?: unknown): Promise<T> =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = http.request(
        { ...endpoint, method, path, timeout: timeoutMs, headers: payload ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } : {} },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk) => (text += chunk));
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) {
              resolve((text ? JSON.parse(text) : undefined) as T);
              return;
            }
            let message = text;
            try {
              message = (JSON.parse(text) as { message?: string }).message ?? text;
            } catch {
              // not JSON: keep the raw text
            }
            reject(new DockerApiError(status, `${method} ${path.split('?')[0]}: ${status} ${message.trim()}`));
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path.split('?')[0]}: no answer within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(payload);
    });

  const filters = (value: Record<string, string[]>) => encodeURIComponent(JSON.stringify(value));

  return {
    // By the key only: whether its value means "managed" is readServiceLabels' one decision.
    listManagedServices: () => call<SwarmService[]>('GET', `/services?filters=${filters({ label: ['autoscaler.enable'] })}`),
    inspectService: (id) => call<SwarmService>('GET', `/services/${encodeURIComponent(id)}`),
    runningTasks: async (serviceId) => {
      const tasks = await call<SwarmTask[]>('GET', `/tasks?filters=${filters({ service: [serviceId], 'desired-state': ['running'] })}`);
      return tasks.filter((task) => task.Status.State === 'running');
    },
    scaleService: async (service, replicas) => {
      const spec = { ...service.Spec, Mode: { Replicated: { Replicas: replicas } } };
      await call('POST', `/services/${encodeURIComponent(service.ID)}/update?version=${service.Version.Index}`, spec);
    },
  };
}
