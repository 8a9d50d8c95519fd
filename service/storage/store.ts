/** What the birthday API needs from a database; both adapters pass tests/service/store-contract. */
export interface BirthdayStore {
  readonly dialect: 'sqlite' | 'postgres';
  /** Creates or replaces the user's date of birth (`YYYY-MM-DD`). */
  upsert(username: string, dateOfBirth: string): Promise<void>;
  /** The stored date of birth, or undefined for an unknown user. */
  findDateOfBirth(username: string): Promise<string | undefined>;
  /** True when a user was removed. */
  remove(username: string): Promise<boolean>;
  /** Resolves when the database answers a query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The database cannot be reached or is not answering: clients get 503, not 500. */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}
