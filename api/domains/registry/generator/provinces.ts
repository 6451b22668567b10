/**
 * Public figures that shape the national demo election. Province codes and names
 * are the Kemendagri codes (Kepmendagri 100.1.1-6117/2022, after the 2022 Papua
 * provinces); kabupaten/kota counts are the 2024 ones (514 in all). Kecamatan,
 * desa and TPS per province are approximations of the 2024 figures, used only as
 * weights: the generator scales them to the exact national totals below. DPR seats
 * and dapil per province are the 2024 allocation (UU 7/2017 Annex III as amended
 * by Perppu 1/2022: 580 seats in 84 dapil); DPRD provinsi seats are approximate
 * per province and sum to the 2024 total of 2,372.
 */

export const NATIONAL_TOTALS = {
  provinces: 38,
  kabkota: 514,
  kecamatan: 7_277,
  desa: 83_731,
  tps: 823_220,
  /** DPT 2024, overseas voters included (they are spread over the provinces here). */
  dpt: 204_807_222,
  dprSeats: 580,
  dprDapil: 84,
} as const;

export interface ProvinceFacts {
  code: string;
  name: string;
  kabupaten: number;
  kota: number;
  kecamatan: number;
  desa: number;
  tps: number;
  dprSeats: number;
  dprDapil: number;
  dprdSeats: number;
}

// code, name, kabupaten, kota, kecamatan, desa, TPS, DPR seats, DPR dapil, DPRD seats
const TABLE: readonly (readonly [string, string, ...number[]])[] = [
  ['11', 'Aceh', 18, 5, 290, 6_500, 16_046, 13, 2, 81],
  ['12', 'Sumatera Utara', 25, 8, 455, 6_110, 45_875, 30, 3, 100],
  ['13', 'Sumatera Barat', 12, 7, 179, 1_265, 17_569, 14, 2, 65],
  ['14', 'Riau', 10, 2, 172, 1_862, 19_366, 13, 2, 65],
  ['15', 'Jambi', 9, 2, 144, 1_585, 11_160, 8, 1, 55],
  ['16', 'Sumatera Selatan', 13, 4, 241, 3_289, 25_952, 17, 2, 75],
  ['17', 'Bengkulu', 9, 1, 129, 1_513, 6_202, 4, 1, 45],
  ['18', 'Lampung', 13, 2, 229, 2_651, 25_823, 20, 2, 85],
  ['19', 'Kepulauan Bangka Belitung', 6, 1, 47, 393, 4_326, 3, 1, 45],
  ['21', 'Kepulauan Riau', 5, 2, 80, 419, 7_155, 4, 1, 45],
  ['31', 'DKI Jakarta', 1, 5, 44, 267, 29_159, 21, 3, 106],
  ['32', 'Jawa Barat', 18, 9, 627, 5_957, 140_457, 91, 11, 120],
  ['33', 'Jawa Tengah', 29, 6, 576, 8_563, 117_299, 77, 10, 120],
  ['34', 'DI Yogyakarta', 4, 1, 78, 438, 11_233, 8, 1, 55],
  ['35', 'Jawa Timur', 29, 9, 666, 8_494, 120_666, 87, 11, 120],
  ['36', 'Banten', 4, 4, 155, 1_552, 33_324, 22, 3, 100],
  ['51', 'Bali', 8, 1, 57, 716, 12_384, 9, 1, 55],
  ['52', 'Nusa Tenggara Barat', 8, 2, 116, 1_166, 16_147, 11, 2, 65],
  ['53', 'Nusa Tenggara Timur', 21, 1, 315, 3_442, 16_754, 13, 2, 65],
  ['61', 'Kalimantan Barat', 12, 2, 174, 2_145, 16_243, 12, 2, 65],
  ['62', 'Kalimantan Tengah', 13, 1, 136, 1_576, 8_463, 6, 1, 45],
  ['63', 'Kalimantan Selatan', 11, 2, 156, 2_020, 11_797, 11, 2, 55],
  ['64', 'Kalimantan Timur', 7, 3, 105, 1_038, 11_443, 8, 1, 55],
  ['65', 'Kalimantan Utara', 4, 1, 55, 482, 2_400, 3, 1, 35],
  ['71', 'Sulawesi Utara', 11, 4, 171, 1_839, 8_055, 6, 1, 45],
  ['72', 'Sulawesi Tengah', 12, 1, 175, 2_017, 9_500, 7, 1, 45],
  ['73', 'Sulawesi Selatan', 21, 3, 313, 3_059, 26_404, 24, 3, 85],
  ['74', 'Sulawesi Tenggara', 15, 2, 222, 2_296, 8_148, 6, 1, 45],
  ['75', 'Gorontalo', 5, 1, 77, 734, 3_400, 3, 1, 45],
  ['76', 'Sulawesi Barat', 6, 0, 69, 650, 4_400, 4, 1, 45],
  ['81', 'Maluku', 9, 2, 118, 1_235, 5_772, 4, 1, 45],
  ['82', 'Maluku Utara', 8, 2, 116, 1_199, 4_500, 3, 1, 45],
  ['91', 'Papua', 8, 1, 180, 1_100, 3_900, 3, 1, 45],
  ['92', 'Papua Barat', 7, 0, 120, 1_080, 2_200, 3, 1, 35],
  ['93', 'Papua Selatan', 4, 0, 82, 690, 2_100, 3, 1, 35],
  ['94', 'Papua Tengah', 8, 0, 130, 1_200, 4_100, 3, 1, 50],
  ['95', 'Papua Pegunungan', 8, 0, 250, 2_600, 5_800, 3, 1, 50],
  ['96', 'Papua Barat Daya', 5, 1, 130, 1_000, 2_100, 3, 1, 35],
];

export const PROVINCES: readonly ProvinceFacts[] = TABLE.map(
  ([code, name, kabupaten, kota, kecamatan, desa, tps, dprSeats, dprDapil, dprdSeats]) => ({
    code,
    name,
    kabupaten: kabupaten!,
    kota: kota!,
    kecamatan: kecamatan!,
    desa: desa!,
    tps: tps!,
    dprSeats: dprSeats!,
    dprDapil: dprDapil!,
    dprdSeats: dprdSeats!,
  }),
);

/**
 * DKI Jakarta as it is: its kab/kota and kecamatan (Kemendagri codes), and two
 * kelurahan per kecamatan by real name (codes below kecamatan are the generator's,
 * except Gambir, 3171011001, where the demo officers sit).
 */
export const JAKARTA: readonly {
  code: string;
  name: string;
  kecamatan: readonly { code: string; name: string; kelurahan: readonly string[] }[];
}[] = [
  {
    code: '3101',
    name: 'Kabupaten Administrasi Kepulauan Seribu',
    kecamatan: [
      {
        code: '310101',
        name: 'Kepulauan Seribu Utara',
        kelurahan: ['Pulau Panggang', 'Pulau Kelapa'],
      },
      {
        code: '310102',
        name: 'Kepulauan Seribu Selatan',
        kelurahan: ['Pulau Tidung', 'Pulau Pari'],
      },
    ],
  },
  {
    code: '3171',
    name: 'Kota Administrasi Jakarta Pusat',
    kecamatan: [
      { code: '317101', name: 'Gambir', kelurahan: ['Gambir', 'Cideng'] },
      { code: '317102', name: 'Sawah Besar', kelurahan: ['Pasar Baru', 'Karang Anyar'] },
      { code: '317103', name: 'Kemayoran', kelurahan: ['Kemayoran', 'Kebon Kosong'] },
      { code: '317104', name: 'Senen', kelurahan: ['Senen', 'Kwitang'] },
      { code: '317105', name: 'Cempaka Putih', kelurahan: ['Cempaka Putih Timur', 'Rawasari'] },
      { code: '317106', name: 'Menteng', kelurahan: ['Menteng', 'Cikini'] },
      { code: '317107', name: 'Tanah Abang', kelurahan: ['Bendungan Hilir', 'Gelora'] },
      { code: '317108', name: 'Johar Baru', kelurahan: ['Johar Baru', 'Tanah Tinggi'] },
    ],
  },
  {
    code: '3172',
    name: 'Kota Administrasi Jakarta Utara',
    kecamatan: [
      { code: '317201', name: 'Penjaringan', kelurahan: ['Penjaringan', 'Pluit'] },
      { code: '317202', name: 'Tanjung Priok', kelurahan: ['Tanjung Priok', 'Sunter Agung'] },
      { code: '317203', name: 'Koja', kelurahan: ['Koja', 'Tugu Utara'] },
      { code: '317204', name: 'Cilincing', kelurahan: ['Cilincing', 'Marunda'] },
      { code: '317205', name: 'Pademangan', kelurahan: ['Ancol', 'Pademangan Barat'] },
      {
        code: '317206',
        name: 'Kelapa Gading',
        kelurahan: ['Kelapa Gading Barat', 'Pegangsaan Dua'],
      },
    ],
  },
  {
    code: '3173',
    name: 'Kota Administrasi Jakarta Barat',
    kecamatan: [
      { code: '317301', name: 'Cengkareng', kelurahan: ['Cengkareng Barat', 'Kedaung Kali Angke'] },
      { code: '317302', name: 'Grogol Petamburan', kelurahan: ['Grogol', 'Tomang'] },
      { code: '317303', name: 'Taman Sari', kelurahan: ['Taman Sari', 'Glodok'] },
      { code: '317304', name: 'Tambora', kelurahan: ['Tambora', 'Jembatan Besi'] },
      { code: '317305', name: 'Kebon Jeruk', kelurahan: ['Kebon Jeruk', 'Kedoya Utara'] },
      { code: '317306', name: 'Kalideres', kelurahan: ['Kalideres', 'Pegadungan'] },
      { code: '317307', name: 'Palmerah', kelurahan: ['Palmerah', 'Slipi'] },
      { code: '317308', name: 'Kembangan', kelurahan: ['Kembangan Selatan', 'Meruya Utara'] },
    ],
  },
  {
    code: '3174',
    name: 'Kota Administrasi Jakarta Selatan',
    kecamatan: [
      { code: '317401', name: 'Tebet', kelurahan: ['Tebet Barat', 'Manggarai'] },
      { code: '317402', name: 'Setiabudi', kelurahan: ['Setiabudi', 'Kuningan Timur'] },
      {
        code: '317403',
        name: 'Mampang Prapatan',
        kelurahan: ['Mampang Prapatan', 'Kuningan Barat'],
      },
      { code: '317404', name: 'Pasar Minggu', kelurahan: ['Pasar Minggu', 'Pejaten Barat'] },
      {
        code: '317405',
        name: 'Kebayoran Lama',
        kelurahan: ['Kebayoran Lama Utara', 'Grogol Utara'],
      },
      { code: '317406', name: 'Cilandak', kelurahan: ['Cilandak Barat', 'Pondok Labu'] },
      { code: '317407', name: 'Kebayoran Baru', kelurahan: ['Senayan', 'Gunung'] },
      { code: '317408', name: 'Pancoran', kelurahan: ['Pancoran', 'Kalibata'] },
      { code: '317409', name: 'Jagakarsa', kelurahan: ['Jagakarsa', 'Srengseng Sawah'] },
      { code: '317410', name: 'Pesanggrahan', kelurahan: ['Pesanggrahan', 'Bintaro'] },
    ],
  },
  {
    code: '3175',
    name: 'Kota Administrasi Jakarta Timur',
    kecamatan: [
      { code: '317501', name: 'Matraman', kelurahan: ['Pisangan Baru', 'Utan Kayu Utara'] },
      { code: '317502', name: 'Pulo Gadung', kelurahan: ['Pulo Gadung', 'Rawamangun'] },
      { code: '317503', name: 'Jatinegara', kelurahan: ['Bali Mester', 'Cipinang Besar Utara'] },
      { code: '317504', name: 'Kramat Jati', kelurahan: ['Kramat Jati', 'Cawang'] },
      { code: '317505', name: 'Pasar Rebo', kelurahan: ['Pekayon', 'Kalisari'] },
      { code: '317506', name: 'Cakung', kelurahan: ['Cakung Barat', 'Pulo Gebang'] },
      { code: '317507', name: 'Duren Sawit', kelurahan: ['Duren Sawit', 'Pondok Bambu'] },
      { code: '317508', name: 'Makasar', kelurahan: ['Makasar', 'Halim Perdana Kusuma'] },
      { code: '317509', name: 'Ciracas', kelurahan: ['Ciracas', 'Cibubur'] },
      { code: '317510', name: 'Cipayung', kelurahan: ['Cipayung', 'Bambu Apus'] },
    ],
  },
];

/**
 * Jakarta's three DPR dapil as in 2024 (UU 7/2017 Annex III): DKI I Jakarta Timur,
 * DKI II Jakarta Pusat and Jakarta Selatan (with overseas voters, not modelled
 * here), DKI III Jakarta Barat, Jakarta Utara and Kepulauan Seribu.
 */
export const JAKARTA_DPR: readonly { seats: number; areas: readonly string[] }[] = [
  { seats: 6, areas: ['3175'] },
  { seats: 7, areas: ['3171', '3174'] },
  { seats: 8, areas: ['3101', '3172', '3173'] },
];

/** DPRD DKI Jakarta: 106 seats in 10 dapil (2024). */
export const JAKARTA_DPRD = { seats: 106, dapil: 10 } as const;

/** The 2024 parties (KPU ballot numbers). 18–23 are Aceh's local parties. */
export const PARTIES_2024: readonly {
  number: number;
  name: string;
  abbreviation: string;
  scope: 'ID' | '11';
}[] = [
  { number: 1, name: 'Partai Kebangkitan Bangsa', abbreviation: 'PKB', scope: 'ID' },
  { number: 2, name: 'Partai Gerakan Indonesia Raya', abbreviation: 'Gerindra', scope: 'ID' },
  { number: 3, name: 'Partai Demokrasi Indonesia Perjuangan', abbreviation: 'PDI-P', scope: 'ID' },
  { number: 4, name: 'Partai Golongan Karya', abbreviation: 'Golkar', scope: 'ID' },
  { number: 5, name: 'Partai NasDem', abbreviation: 'NasDem', scope: 'ID' },
  { number: 6, name: 'Partai Buruh', abbreviation: 'Buruh', scope: 'ID' },
  { number: 7, name: 'Partai Gelombang Rakyat Indonesia', abbreviation: 'Gelora', scope: 'ID' },
  { number: 8, name: 'Partai Keadilan Sejahtera', abbreviation: 'PKS', scope: 'ID' },
  { number: 9, name: 'Partai Kebangkitan Nusantara', abbreviation: 'PKN', scope: 'ID' },
  { number: 10, name: 'Partai Hati Nurani Rakyat', abbreviation: 'Hanura', scope: 'ID' },
  { number: 11, name: 'Partai Garda Republik Indonesia', abbreviation: 'Garuda', scope: 'ID' },
  { number: 12, name: 'Partai Amanat Nasional', abbreviation: 'PAN', scope: 'ID' },
  { number: 13, name: 'Partai Bulan Bintang', abbreviation: 'PBB', scope: 'ID' },
  { number: 14, name: 'Partai Demokrat', abbreviation: 'Demokrat', scope: 'ID' },
  { number: 15, name: 'Partai Solidaritas Indonesia', abbreviation: 'PSI', scope: 'ID' },
  { number: 16, name: 'Partai Persatuan Indonesia', abbreviation: 'Perindo', scope: 'ID' },
  { number: 17, name: 'Partai Persatuan Pembangunan', abbreviation: 'PPP', scope: 'ID' },
  { number: 18, name: 'Partai Nanggroe Aceh', abbreviation: 'PNA', scope: '11' },
  {
    number: 19,
    name: 'Partai Generasi Atjeh Beusaboh Thaat dan Taqwa',
    abbreviation: 'Gabthat',
    scope: '11',
  },
  { number: 20, name: 'Partai Darul Aceh', abbreviation: 'PDA', scope: '11' },
  { number: 21, name: 'Partai Aceh', abbreviation: 'PA', scope: '11' },
  { number: 22, name: 'Partai Adil Sejahtera Aceh', abbreviation: 'PAS Aceh', scope: '11' },
  {
    number: 23,
    name: 'Partai Soliditas Independen Rakyat Aceh',
    abbreviation: 'SIRA',
    scope: '11',
  },
  { number: 24, name: 'Partai Ummat', abbreviation: 'Ummat', scope: 'ID' },
];

/** The 2024 presidential pairs (KPU ballot numbers). */
export const PAIRS_2024: readonly { number: number; president: string; vicePresident: string }[] = [
  { number: 1, president: 'Anies Rasyid Baswedan', vicePresident: 'Abdul Muhaimin Iskandar' },
  { number: 2, president: 'Prabowo Subianto', vicePresident: 'Gibran Rakabuming Raka' },
  { number: 3, president: 'Ganjar Pranowo', vicePresident: 'Mahfud MD' },
];
