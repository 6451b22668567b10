/**
 * Public 2024 national figures used as worked examples by the tests. Test data
 * only: nothing outside the tests imports this file.
 */

/**
 * DPR 2024, national valid votes per party in ballot order, as reported from the
 * KPU national recapitulation of 20 March 2024 (e.g. riaumandiri.co "PPP gagal
 * lolos ke Senayan"; gemapos.id gives the same 151,796,631 total). Some outlets
 * print PDI-P 25,387,278, Perindo 1,955,155 and Gelora 1,281,992; the figures
 * below are the set that adds up to the published total.
 */
export const DPR_2024 = [
  { party: 'PKB', votes: 16_115_655, ballotNumber: 1 },
  { party: 'Gerindra', votes: 20_071_708, ballotNumber: 2 },
  { party: 'PDI-P', votes: 25_387_279, ballotNumber: 3 },
  { party: 'Golkar', votes: 23_208_654, ballotNumber: 4 },
  { party: 'NasDem', votes: 14_660_516, ballotNumber: 5 },
  { party: 'Buruh', votes: 972_910, ballotNumber: 6 },
  { party: 'Gelora', votes: 1_281_991, ballotNumber: 7 },
  { party: 'PKS', votes: 12_781_353, ballotNumber: 8 },
  { party: 'PKN', votes: 326_800, ballotNumber: 9 },
  { party: 'Hanura', votes: 1_094_588, ballotNumber: 10 },
  { party: 'Garuda', votes: 406_883, ballotNumber: 11 },
  { party: 'PAN', votes: 10_984_003, ballotNumber: 12 },
  { party: 'PBB', votes: 484_486, ballotNumber: 13 },
  { party: 'Demokrat', votes: 11_283_160, ballotNumber: 14 },
  { party: 'PSI', votes: 4_260_169, ballotNumber: 15 },
  { party: 'Perindo', votes: 1_955_154, ballotNumber: 16 },
  { party: 'PPP', votes: 5_878_777, ballotNumber: 17 },
  { party: 'Ummat', votes: 642_545, ballotNumber: 24 },
];

/**
 * President 2024, national valid votes (KPU national recapitulation, 20 March
 * 2024): 164,227,475 valid votes in all; ballot numbers 1–3.
 */
export const PRESIDENT_2024 = [
  { pair: 'Anies–Muhaimin', votes: 40_971_906, ballotNumber: 1 },
  { pair: 'Prabowo–Gibran', votes: 96_214_691, ballotNumber: 2 },
  { pair: 'Ganjar–Mahfud', votes: 27_040_878, ballotNumber: 3 },
];

/**
 * President 2004, first round (5 July 2004), as reported by Tempo and Sindonews
 * ("Kilas Balik Pemilihan Presiden 2004"). Hukumonline prints Mega–Hasyim as
 * 31,567,104 and Tempo the total as 119,656,868; the five figures below add up to
 * 118,656,868, which reproduces every published percentage (33.57, 26.61, 22.15,
 * 14.66, 3.01). No pair passed 50 %: the run-off of 20 September 2004 was
 * SBY–JK against Mega–Hasyim. 32 provinces at the time.
 */
export const PRESIDENT_2004_ROUND_1 = [
  { pair: 'Wiranto–Wahid', votes: 26_286_788, ballotNumber: 1 },
  { pair: 'Mega–Hasyim', votes: 31_569_104, ballotNumber: 2 },
  { pair: 'Amien–Siswono', votes: 17_392_931, ballotNumber: 3 },
  { pair: 'SBY–JK', votes: 39_838_184, ballotNumber: 4 },
  { pair: 'Hamzah–Agum', votes: 3_569_861, ballotNumber: 5 },
];
