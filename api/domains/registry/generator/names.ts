/**
 * Synthetic Indonesian-looking names for the demo election's places and
 * candidates. Candidates are invented people: names are drawn from common given
 * names and family names, so any likeness to a real candidate is chance.
 */
import type { Random } from './random.ts';

const PLACE_HEAD = (
  'Suka Karang Tanjung Sungai Batu Pasir Muara Air Bukit Teluk Rawa Sido Wono Sumber Mekar ' +
  'Cibu Pematang Lubuk Padang Kampung Gunung Kali Tegal Mulya Banjar Sri Ciko Bojong Parung ' +
  'Kuta'
).split(' ');
const PLACE_TAIL = (
  'maju jaya sari mulya rejo makmur indah baru raya asri agung harja tengah hilir hulu ' +
  'permai luhur kencana wangi damai sentosa mukti laras tirta rasa bening galih mekar utama ' +
  'lestari'
).split(' ');
const SUFFIX = ['', '', '', ' Barat', ' Timur', ' Utara', ' Selatan', ' Tengah', ' Baru', ' Lama'];

export function placeName(rng: Random): string {
  const head = rng.pick(PLACE_HEAD);
  const tail = rng.pick(PLACE_TAIL);
  // "Tanjung Sari" is two words; "Sukamaju" one.
  const word = /[aiueo]$/.test(head) && head.length <= 5 ? head + tail : `${head} ${cap(tail)}`;
  return word + rng.pick(SUFFIX);
}

/** A place name not yet in `taken` (which it then joins). */
export function uniquePlaceName(rng: Random, taken: Set<string>, prefix: string): string {
  for (let i = 0; ; i++) {
    const name = `${prefix}${placeName(rng)}${i >= 20 ? ` ${i}` : ''}`;
    if (!taken.has(name)) {
      taken.add(name);
      return name;
    }
  }
}

const MEN = (
  'Ahmad Budi Agus Bambang Dedi Eko Fajar Hendra Irfan Joko Muhammad Rudi Slamet Teguh ' +
  'Wahyu Yusuf Andi Rizal Hadi Arief Dimas Gilang Hasan Imam Lukman Yohanes Petrus Markus ' +
  'Daniel Made Ketut Taufik Syamsul Zulkifli Fransiskus Rahmat Herman Anton Sutrisno Firman'
).split(' ');
const WOMEN = (
  'Siti Sri Dewi Ani Rina Lestari Wulan Fitri Indah Ratna Yuliana Maria Agustina Kartika ' +
  'Ayu Putri Diah Endang Fatimah Hana Intan Lina Mega Novi Ratih Sari Tuti Yanti Nurul Erna ' +
  'Magdalena Kadek Nyoman Rahma Susanti Winda Yohana Anisa Melati Nadia'
).split(' ');
const FAMILY = (
  'Santoso Wibowo Saputra Hidayat Nugroho Pratama Setiawan Susanto Kusuma Lubis Nasution ' +
  'Siregar Harahap Simanjuntak Sinaga Tambunan Situmorang Sembiring Ginting Tarigan Rahman ' +
  'Hakim Wijaya Gunawan Permana Hasibuan Daulay Mahendra Purnomo Suryadi Hartono Rahmawati ' +
  'Wulandari Puspitasari Lestari Kurniawan Manurung Pangaribuan Latuconsina Pattimura ' +
  'Rumbiak Wenda Mandagi Lumintang Daeng Mappaseng Ismail Abdullah Syahputra Rangkuti'
).split(' ');

export function personName(rng: Random, sex: 'L' | 'P'): string {
  const given = rng.pick(sex === 'P' ? WOMEN : MEN);
  return rng.chance(0.15)
    ? `${given} ${rng.pick(sex === 'P' ? WOMEN : MEN)} ${rng.pick(FAMILY)}`
    : `${given} ${rng.pick(FAMILY)}`;
}

function cap(s: string): string {
  return s[0]!.toUpperCase() + s.slice(1);
}

/** I, II, … XII for dapil names in the KPU style ("JAWA BARAT III"). */
export function roman(n: number): string {
  const r = ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X', 'XI', 'XII', 'XIII'];
  return r[n - 1] ?? String(n);
}
