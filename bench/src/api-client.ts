/** The few API calls the bench makes outside the measured loads (setup), through the public contract. */
export class ApiClient {
  constructor(
    readonly url: string,
    private readonly nextAddress: () => string,
  ) {}

  async call<T>(method: string, path: string, body: unknown, token?: string): Promise<T> {
    const headers: Record<string, string> = { 'x-forwarded-for': this.nextAddress() };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    const response = await fetch(`${this.url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 300)}`);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  async login(username: string, password: string): Promise<string> {
    const { access_token } = await this.call<{ access_token: string }>('POST', '/auth/login', { username, password });
    return access_token;
  }

  /** Registers `count` participants, a few at a time (each costs an argon2id hash). */
  async registerParticipants(count: number, password: string): Promise<{ username: string; token: string }[]> {
    const registered: { username: string; token: string }[] = [];
    const prefix = `bench-${Date.now().toString(36)}`;
    for (let i = 0; i < count; i += 8) {
      const batch = Array.from({ length: Math.min(8, count - i) }, async (_, j) => {
        const username = `${prefix}-${i + j}`;
        const { access_token } = await this.call<{ access_token: string }>('POST', '/auth/register', { username, password });
        return { username, token: access_token };
      });
      registered.push(...(await Promise.all(batch)));
    }
    return registered;
  }

  async createLottery(adminToken: string, body: Record<string, unknown>): Promise<string> {
    const { id } = await this.call<{ id: string }>('POST', '/lotteries', body, adminToken);
    return id;
  }

  async lottery(id: string): Promise<{ status: string; tickets_issued: number; tickets_available: number | null }> {
    return this.call('GET', `/lotteries/${id}`, undefined);
  }
}
