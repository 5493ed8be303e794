import type { EntityManager } from '@mikro-orm/core';
import type { ReadDataset } from '../../engine/data.ts';
import { Dataset } from './entities.ts';

// Not a uuid: no such dataset (the id column is a uuid, which PostgreSQL would refuse to compare with it).
const isUuid = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);

/**
 * `owner`'s datasets by id, as the data loaders read them (`ReadDataset`): the CSV text, and the name a
 * basket entry without a symbol trades as. One reader for the API's routes and the workers' activities.
 */
export function datasetReader(em: EntityManager, owner: string): ReadDataset {
  return async (id) => {
    if (!isUuid(id)) return undefined;
    const dataset = await em.findOne(Dataset, { id, owner }, { populate: ['csv'] });
    return dataset ? { name: dataset.name, csv: dataset.csv } : undefined;
  };
}
