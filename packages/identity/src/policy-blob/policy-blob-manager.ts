// Policy blobs (keystone/policy/core.py): documents Keystone stores for services to fetch
// and never reads itself; Keystone deprecated the API in Queens but still serves it.
import { newId } from '../ids.ts';
import type { PolicyBlob, PolicyDriver } from '../storage/types.ts';

export class PolicyBlobManager {
  readonly #driver: PolicyDriver;

  constructor(driver: PolicyDriver) {
    this.#driver = driver;
  }

  create(input: Omit<PolicyBlob, 'id'>): Promise<PolicyBlob> {
    return this.#driver.createPolicy({ ...input, id: newId() });
  }

  get(id: string): Promise<PolicyBlob> {
    return this.#driver.getPolicy(id);
  }

  list(filter?: { type?: string }): Promise<PolicyBlob[]> {
    return this.#driver.listPolicies(filter);
  }

  update(id: string, patch: Partial<Omit<PolicyBlob, 'id'>>): Promise<PolicyBlob> {
    return this.#driver.updatePolicy(id, patch);
  }

  delete(id: string): Promise<void> {
    return this.#driver.deletePolicy(id);
  }
}
