// OS-ENDPOINT-POLICY (keystone/endpoint_policy/backends/sql.py): which policy applies to an
// endpoint, a service, or a service in a region.
import type { Selectable } from 'kysely';
import { newId } from '../../ids.ts';
import type { PolicyAssociationTable } from '../schema.ts';
import type { EndpointPolicyDriver, PolicyAssociation, PolicyAssociationPlace } from '../types.ts';
import type { DriverContext } from './shared.ts';

function fromRow(row: Selectable<PolicyAssociationTable>): PolicyAssociation {
  return { policyId: row.policy_id, endpointId: row.endpoint_id, serviceId: row.service_id, regionId: row.region_id };
}

type Database = DriverContext['db'];

/** Rows of exactly that place: a null id must be NULL in the row (SQL `=` never matches NULL). */
function atPlace(db: Database, place: PolicyAssociationPlace) {
  return db
    .selectFrom('policy_association')
    .selectAll()
    .where('endpoint_id', place.endpointId === null ? 'is' : '=', place.endpointId)
    .where('service_id', place.serviceId === null ? 'is' : '=', place.serviceId)
    .where('region_id', place.regionId === null ? 'is' : '=', place.regionId);
}

export class SqlEndpointPolicyDriver implements EndpointPolicyDriver {
  readonly #ctx: DriverContext;

  constructor(ctx: DriverContext) {
    this.#ctx = ctx;
  }

  async setPolicyAssociation(association: PolicyAssociation): Promise<void> {
    await this.#ctx.db.transaction().execute(async (trx) => {
      const existing = await atPlace(trx, association).executeTakeFirst();
      if (existing === undefined) {
        await trx
          .insertInto('policy_association')
          .values({
            id: newId(),
            policy_id: association.policyId,
            endpoint_id: association.endpointId,
            service_id: association.serviceId,
            region_id: association.regionId,
          })
          .execute();
      } else {
        await trx.updateTable('policy_association').set({ policy_id: association.policyId }).where('id', '=', existing.id).execute();
      }
    });
  }

  async isPolicyAssociated(association: PolicyAssociation): Promise<boolean> {
    const row = await atPlace(this.#ctx.db, association).where('policy_id', '=', association.policyId).executeTakeFirst();
    return row !== undefined;
  }

  async deletePolicyAssociation(association: PolicyAssociation): Promise<void> {
    const row = await atPlace(this.#ctx.db, association).where('policy_id', '=', association.policyId).executeTakeFirst();
    if (row !== undefined) await this.#ctx.db.deleteFrom('policy_association').where('id', '=', row.id).execute();
  }

  async getPolicyIdFor(place: PolicyAssociationPlace): Promise<string | null> {
    return (await atPlace(this.#ctx.db, place).executeTakeFirst())?.policy_id ?? null;
  }

  async listPolicyAssociations(policyId: string): Promise<PolicyAssociation[]> {
    const rows = await this.#ctx.db.selectFrom('policy_association').selectAll().where('policy_id', '=', policyId).orderBy('id').execute();
    return rows.map(fromRow);
  }
}
