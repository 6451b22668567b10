/**
 * Campaign-finance donors (migration 015, api/domains/finance/): each
 * contribution's donor record (category, identity number — NIK for a person,
 * NPWP for a group or company — and name) is sealed in
 * `finance_contributions.sealed` under the contribution's own key (`dek`),
 * itself sealed under `kek_label` from the key service (finance/crypto.ts).
 * Donors have no birth date on record.
 */
import { FinanceKeys, openDonor } from '../../api/domains/finance/crypto.ts';
import type { Person, PrivateDataSource } from './source.ts';

export const donors: PrivateDataSource = {
  name: 'donors',
  async sample(sql, keys, n) {
    const rows = await sql.query<{
      subject: string;
      kek_label: string;
      dek: Uint8Array;
      sealed: Uint8Array;
    }>(
      'SELECT subject, kek_label, dek, sealed FROM finance_contributions ORDER BY random() LIMIT $1',
      [n],
    );
    const fk = new FinanceKeys(keys);
    const people: Person[] = [];
    for (const r of rows) {
      const dek = await fk.openDek(r.subject, r.kek_label, r.dek);
      const { record } = JSON.parse(openDonor(dek, r.subject, r.sealed)) as {
        record: { category: string; idNumber: string; name: string };
      };
      dek.fill(0);
      people.push({
        record: `finance_contributions ${r.subject}`,
        ...(record.category === 'individual'
          ? { nik: record.idNumber }
          : { idNumber: record.idNumber }),
        name: record.name,
      });
    }
    return people;
  },
};
