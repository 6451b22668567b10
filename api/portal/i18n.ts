/**
 * The portal's words in Indonesian (first: the people who vote read it) and
 * English (`?lang=en`, for foreign observers). Domain terms stay Indonesian in
 * both (TPS, DPT, C.Hasil, dapil), as KPU publishes them.
 */
export type Lang = 'id' | 'en';

const WORDS = {
  title: ['Saksi — hasil pemilu yang bisa Anda periksa', 'Saksi — election results you can check'],
  home: ['Beranda', 'Home'],
  results: ['Hasil', 'Results'],
  seats: ['Kursi', 'Seats'],
  log: ['Log publik', 'Public log'],
  selfCheck: ['Cek DPT', 'Voter check'],
  finance: ['Dana kampanye', 'Campaign finance'],
  anomalies: ['Anomali', 'Anomalies'],
  downloads: ['Unduh', 'Downloads'],
  intro: [
    'Setiap angka di sini tercatat di log publik yang hanya bisa bertambah. Tombol “Verifikasi” memeriksanya di peramban Anda sendiri: tanda tangan checkpoint, bukti inklusi, dan setiap penjumlahan sampai total nasional. Anda tidak perlu mempercayai server KPU.',
    'Every number here is recorded in an append-only public log. The “Verify” button checks it in your own browser: the checkpoint signature, the inclusion proofs, and every sum up to the national total. You do not have to trust KPU’s server.',
  ],
  contest: ['Pemilihan', 'Contest'],
  area: ['Wilayah', 'Area'],
  valid: ['Suara sah', 'Valid votes'],
  invalid: ['Suara tidak sah', 'Invalid votes'],
  votes: ['Suara', 'Votes'],
  choice: ['Pilihan', 'Choice'],
  share: ['Persentase', 'Share'],
  tpsCounted: ['TPS dihitung', 'TPS counted'],
  tpsFlagged: ['TPS ditandai', 'TPS flagged'],
  waiting: ['menunggu', 'waiting'],
  waitingAreas: ['Wilayah yang belum masuk', 'Areas still waiting'],
  children: ['Rincian', 'Breakdown'],
  status: ['Status', 'Status'],
  accepted: ['diterima', 'accepted'],
  flagged: ['ditandai', 'flagged'],
  logEntry: ['Entri log', 'Log entry'],
  verify: ['Verifikasi', 'Verify'],
  verifyHint: [
    'Memeriksa di peramban Anda dengan kunci log yang disematkan di halaman ini.',
    'Checks in your browser with the log key pinned in this page.',
  ],
  noResults: ['Belum ada hasil untuk wilayah ini.', 'No results for this area yet.'],
  history: ['Riwayat formulir', 'Form history'],
  version: ['Versi', 'Version'],
  stage: ['Tahap', 'Stage'],
  who: ['Oleh', 'By'],
  why: ['Alasan', 'Reason'],
  when: ['Waktu', 'Time'],
  failedChecks: ['Pemeriksaan yang gagal', 'Failed checks'],
  photo: ['Foto C.Hasil', 'C.Hasil photo'],
  counted: ['Versi yang dihitung', 'Version counted'],
  none: ['tidak ada', 'none'],
  notAvailable: ['Belum tersedia', 'Not yet available'],
  notFound: ['Halaman tidak ditemukan', 'Page not found'],
  badRequest: ['Permintaan tidak valid', 'Bad request'],
  unavailable: ['Sementara tidak tersedia', 'Temporarily unavailable'],
  language: ['English', 'Bahasa Indonesia'],
  checkpoint: ['Checkpoint terbaru', 'Latest checkpoint'],
  size: ['Ukuran', 'Size'],
  root: ['Akar', 'Root'],
  key: ['Kunci log', 'Log key'],
  entryByIndex: ['Entri menurut indeks', 'Entry by index'],
  consistency: ['Konsistensi antara dua ukuran', 'Consistency between two sizes'],
  growth: ['Log hanya bertambah?', 'Has the log only grown?'],
  growthHint: [
    'Tempel checkpoint yang Anda simpan sebelumnya (atau yang diterbitkan di tempat lain). Peramban memeriksa tanda tangannya dengan kunci log, lalu bukti konsistensi sampai checkpoint terbaru: log tidak boleh diputar balik atau bercabang. Peramban ini mengingat checkpoint terakhir yang diperiksanya dan mengisinya di sini.',
    'Paste a checkpoint you saved earlier (or one published elsewhere). The browser checks its signature with the log key, then the consistency proof up to the latest checkpoint: the log may not be rolled back or forked. This browser remembers the last checkpoint it verified and fills it in here.',
  ],
  givenCheckpoint: ['Checkpoint (catatan bertanda tangan)', 'Checkpoint (signed note)'],
  show: ['Tampilkan', 'Show'],
  from: ['Dari', 'From'],
  to: ['Ke', 'To'],
  nik: ['NIK', 'NIK'],
  name: ['Nama lengkap', 'Full name'],
  check: ['Periksa', 'Check'],
  selfCheckIntro: [
    'Masukkan NIK dan nama Anda. Jawabannya, beserta bukti bahwa catatan Anda ada di log, diperiksa di peramban Anda. NIK tidak pernah muncul di alamat halaman.',
    'Enter your NIK and name. The answer, with the proof that your record is in the log, is checked in your browser. The NIK never appears in the page address.',
  ],
  participant: ['Peserta', 'Participant'],
  contributions: ['Sumbangan', 'Contributions'],
  expenditures: ['Pengeluaran', 'Expenditures'],
  breaches: ['Pelanggaran batas', 'Limit breaches'],
  surrendered: ['Kelebihan diserahkan', 'Excess surrendered'],
  filings: ['Laporan', 'Filings'],
  individual: ['perseorangan', 'individual'],
  group: ['kelompok', 'group'],
  company: ['badan usaha', 'company'],
  financeMissing: [
    'Data dana kampanye belum tersedia di server ini.',
    'Campaign-finance data is not yet available on this server.',
  ],
  evidence: ['Bukti', 'Evidence'],
  turnoverOver: ['Partisipasi di atas 100%', 'Turnout over 100%'],
  arithmetic: ['Formulir yang gagal aritmetika', 'Forms failing arithmetic'],
  outliers: ['Pencilan terhadap TPS tetangga', 'Outliers against neighbouring TPS'],
  jumps: ['Lonjakan total yang dipublikasikan', 'Jumps in published totals'],
  jumpsRule: [
    'Antara dua versi berturut-turut dari total sebuah wilayah: suara yang bertambah jauh melebihi median suara sah per TPS untuk setiap TPS baru, persentase sebuah pilihan yang bergeser lebih dari yang mungkin oleh TPS baru, atau total yang turun tanpa koreksi yang menjelaskannya',
    'Between two consecutive versions of an area’s total: votes added far beyond the median valid votes per TPS for each new TPS, a choice’s share moving more than the new TPS could move it, or a total that falls with no correction explaining it',
  ],
  jumpVotesLimit: ['× median suara sah per TPS ×', '× the median valid votes per TPS ×'],
  jumpShareLimit: ['batas, poin:', 'bound, points:'],
  jumpUnexplained: [
    'turun tanpa koreksi yang menjelaskan',
    'falls with no correction explaining it',
  ],
  jumpVerifyHint: [
    'Memeriksa kedua entri log di peramban Anda: inklusi, subjek, versi berturut-turut, angka, dan penjumlahan rinciannya.',
    'Checks both log entries in your browser: inclusion, subject, consecutive versions, figures, and the sum of their listing.',
  ],
  nothingFound: ['Tidak ditemukan.', 'None found.'],
  nation: ['nasional', 'nation'],
  scope: ['Cakupan', 'Scope'],
  scopeRows: [
    'setiap bagian di bawah hanya memeriksa TPS dan wilayah di dalamnya.',
    'every section below checks only the TPS and areas inside it.',
  ],
  scopeWider: ['Cakupan lebih luas', 'Wider scope'],
  anomaliesHere: ['Anomali di wilayah ini', 'Anomalies in this area'],
  jumpsChecked: ['Diperiksa di halaman ini', 'Checked on this page'],
  jumpsCheckedList: ['Kode wilayah yang diperiksa', 'Codes of the areas checked'],
  jumpsComplete: [
    'Semua wilayah di bawahnya yang memiliki TPS terhitung diperiksa di halaman ini.',
    'Every area below it that holds a counted TPS is checked on this page.',
  ],
  jumpsNotChecked: ['Belum diperiksa di halaman ini', 'Not checked on this page'],
  jumpsContinue: [
    'di tingkat yang lebih rendah. Halaman anomali setiap wilayah berikut memeriksa wilayah-wilayah di bawahnya:',
    'at the levels further down. The anomalies page of each of these areas checks the areas below it:',
  ],
  jumpsHistoryCut: [
    'Riwayat terlalu panjang, hanya dibaca sampai versi',
    'History too long, read only up to version',
  ],
  turnoutCut: [
    'Jumlah pemilih terdaftar dibaca untuk TPS pertama saja',
    'Register counts read for the first TPS only',
  ],
  turnoutContinue: [
    'TPS lainnya diperiksa di halaman anomali wilayah',
    'The other TPS are checked on the anomalies pages of',
  ],
  dapil: ['Dapil', 'Electoral district'],
  seatsWon: ['Kursi', 'Seats'],
  trace: ['Jejak Sainte-Laguë', 'Sainte-Laguë trace'],
  presidentRule: ['Syarat kemenangan presiden', 'The presidential winning rule'],
  party: ['Partai', 'Party'],
  round: ['Putaran', 'Round'],
  quotient: ['Hasil bagi', 'Quotient'],
  threshold: ['Ambang batas parlemen', 'Parliamentary threshold'],
} as const satisfies Record<string, readonly [string, string]>;

export type Word = keyof typeof WORDS;

export const t = (lang: Lang, w: Word): string => WORDS[w][lang === 'en' ? 1 : 0];

/** `?lang=en` picks English; anything else (or nothing) is Indonesian. */
export const langOf = (q: string | undefined): Lang => (q === 'en' ? 'en' : 'id');

/** A portal link that keeps the reader's language. */
export const href = (lang: Lang, path: string): string =>
  lang === 'en' ? `${path}${path.includes('?') ? '&' : '?'}lang=en` : path;

/** Numbers as Indonesians write them (1.234.567) or as English does (1,234,567). */
export const fmt = (lang: Lang, n: number): string =>
  n.toLocaleString(lang === 'en' ? 'en-GB' : 'id-ID');
