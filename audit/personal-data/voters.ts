/**
 * Registered voters (migration 014): the personal fields are sealed in
 * `voters.personal` under the record's key (`dek`), itself sealed under a
 * key-encryption key from the key service (api/domains/voters/crypto.ts).
 */
import { openPersonal, VoterKeys } from '../../api/domains/voters/crypto.ts';
import type { Person, PrivateDataSource } from './source.ts';

export const voters: PrivateDataSource = {
  name: 'voters',
  async sample(sql, keys, n) {
    const rows = await sql.query<{
      subject: string;
      kek_label: string;
      dek: Uint8Array;
      personal: Uint8Array;
    }>(
      'SELECT subject, kek_label, dek, personal FROM voters WHERE personal IS NOT NULL AND dek IS NOT NULL ORDER BY random() LIMIT $1',
      [n],
    );
    const vk = new VoterKeys(keys);
    const people: Person[] = [];
    for (const r of rows) {
      const dek = await vk.openDek(r.subject, r.kek_label, r.dek);
      const p = JSON.parse(openPersonal(dek, r.subject, r.personal)) as {
        nik: string;
        kk?: string;
        name: string;
        birthDate: string;
      };
      dek.fill(0);
      people.push({
        record: `voters ${r.subject}`,
        nik: p.nik,
        ...(p.kk ? { idNumber: p.kk } : {}),
        name: p.name,
        birthDate: p.birthDate,
      });
    }
    return people;
  },
};
