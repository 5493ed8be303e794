import { marketOrder } from './order/market/index.ts';
import { limitOrder } from './order/limit/index.ts';
import { stopOrder } from './order/stop/index.ts';
import { stopLimitOrder } from './order/stopLimit/index.ts';
import { bracket } from './order/bracket/index.ts';
import { targetPosition } from './order/targetPosition/index.ts';
import { closeAll } from './order/closeAll/index.ts';
import { maxOrderNotional } from './risk/maxOrderNotional/index.ts';
import { maxGrossExposure } from './risk/maxGrossExposure/index.ts';
import { drawdownHalt } from './risk/drawdownHalt/index.ts';
import { dailyLossLimit } from './risk/dailyLossLimit/index.ts';
import { cooldown } from './risk/cooldown/index.ts';
import { sessionFilter } from './risk/sessionFilter/index.ts';
import { volatilityTarget } from './risk/volatilityTarget/index.ts';
import { kelly } from './risk/kelly/index.ts';
import { fixedFractional } from './risk/fixedFractional/index.ts';
import { stopTakeProfit } from './risk/stopTakeProfit/index.ts';
import { wma } from './indicator/wma/index.ts';
import { dema } from './indicator/dema/index.ts';
import { tema } from './indicator/tema/index.ts';
import { hma } from './indicator/hma/index.ts';
import { kama } from './indicator/kama/index.ts';
import { vwma } from './indicator/vwma/index.ts';
import { macd } from './indicator/macd/index.ts';
import { ppo } from './indicator/ppo/index.ts';
import { roc } from './indicator/roc/index.ts';
import { momentum } from './indicator/momentum/index.ts';
import { stochRsi } from './indicator/stochRsi/index.ts';
import { stochastic } from './indicator/stochastic/index.ts';
import { williamsR } from './indicator/williamsR/index.ts';
import { cci } from './indicator/cci/index.ts';
import { mfi } from './indicator/mfi/index.ts';
import { stdev } from './indicator/stdev/index.ts';
import { zscore } from './indicator/zscore/index.ts';
import { rollingMin } from './indicator/rollingMin/index.ts';
import { rollingMax } from './indicator/rollingMax/index.ts';
import { percentRank } from './indicator/percentRank/index.ts';
import { correlation } from './indicator/correlation/index.ts';
import { beta } from './indicator/beta/index.ts';
import { linreg } from './indicator/linreg/index.ts';
import { autocorrelation } from './indicator/autocorrelation/index.ts';
import { hurst } from './indicator/hurst/index.ts';
import { varianceRatio } from './indicator/varianceRatio/index.ts';
import { adf } from './indicator/adf/index.ts';
import { atr } from './indicator/atr/index.ts';
import { natr } from './indicator/natr/index.ts';
import { bollinger } from './indicator/bollinger/index.ts';
import { keltner } from './indicator/keltner/index.ts';
import { donchian } from './indicator/donchian/index.ts';
import { supertrend } from './indicator/supertrend/index.ts';
import { parabolicSar } from './indicator/parabolicSar/index.ts';
import { adx } from './indicator/adx/index.ts';
import { aroon } from './indicator/aroon/index.ts';
import { ichimoku } from './indicator/ichimoku/index.ts';
import { vwap } from './indicator/vwap/index.ts';
import { obv } from './indicator/obv/index.ts';
import { adLine } from './indicator/adLine/index.ts';
import { cmf } from './indicator/cmf/index.ts';
import { not } from './logic/not/index.ts';
import { xor } from './logic/xor/index.ts';
import { select } from './logic/select/index.ts';
import { barsSince } from './logic/barsSince/index.ts';
import { latch } from './logic/latch/index.ts';
import { asPrice } from './math/asPrice/index.ts';
import { constant } from './math/constant/index.ts';
import { arithmetic } from './math/arithmetic/index.ts';
import { abs } from './math/abs/index.ts';
import { clamp } from './math/clamp/index.ts';
import { lag } from './math/lag/index.ts';
import { change } from './math/change/index.ts';
import { percentChange } from './math/percentChange/index.ts';
import { rollingSum } from './math/rollingSum/index.ts';
import { linearForecast } from './model/linearForecast/index.ts';
import { logisticClassifier } from './model/logisticClassifier/index.ts';
import { regime } from './model/regime/index.ts';
import { ensembleVote } from './model/ensembleVote/index.ts';
import { csvBars } from './data/csv/index.ts';
import { csvBasket } from './data/csvBasket/index.ts';
import { syntheticBars } from './data/synthetic/index.ts';
import { resample } from './data/resample/index.ts';
import { rank } from './portfolio/rank/index.ts';
import { topN } from './portfolio/topN/index.ts';
import { weights } from './portfolio/weights/index.ts';
import { rebalance } from './order/rebalance/index.ts';
import { ema } from './indicator/ema/index.ts';
import { rsi } from './indicator/rsi/index.ts';
import { sma } from './indicator/sma/index.ts';
import { and } from './logic/and/index.ts';
import { compare } from './logic/compare/index.ts';
import { crossover } from './logic/crossover/index.ts';
import { or } from './logic/or/index.ts';
import { threshold } from './logic/threshold/index.ts';
import { targetPercent } from './order/targetPercent/index.ts';
import { createRegistry } from './registry.ts';
import { maxPosition } from './risk/maxPosition/index.ts';
import { csvExport } from './output/csvExport/index.ts';
import { webhookAlert } from './output/webhookAlert/index.ts';

/** Every built-in node, listed explicitly: the editor, the server, the docs and the workflows read this. */
export const registry = createRegistry([
  syntheticBars,
  csvBars,
  csvBasket,
  resample,
  sma,
  ema,
  wma,
  dema,
  tema,
  hma,
  kama,
  vwma,
  macd,
  ppo,
  roc,
  momentum,
  rsi,
  stochRsi,
  stochastic,
  williamsR,
  cci,
  mfi,
  atr,
  natr,
  bollinger,
  keltner,
  donchian,
  supertrend,
  parabolicSar,
  adx,
  aroon,
  ichimoku,
  vwap,
  obv,
  adLine,
  cmf,
  stdev,
  zscore,
  rollingMin,
  rollingMax,
  percentRank,
  correlation,
  beta,
  linreg,
  autocorrelation,
  hurst,
  varianceRatio,
  adf,
  crossover,
  compare,
  threshold,
  and,
  or,
  not,
  xor,
  select,
  barsSince,
  latch,
  constant,
  asPrice,
  arithmetic,
  abs,
  clamp,
  lag,
  change,
  percentChange,
  rollingSum,
  linearForecast,
  logisticClassifier,
  regime,
  ensembleVote,
  rank,
  topN,
  weights,
  marketOrder,
  limitOrder,
  stopOrder,
  stopLimitOrder,
  targetPercent,
  targetPosition,
  rebalance,
  bracket,
  closeAll,
  maxPosition,
  maxOrderNotional,
  maxGrossExposure,
  drawdownHalt,
  dailyLossLimit,
  cooldown,
  sessionFilter,
  volatilityTarget,
  kelly,
  fixedFractional,
  stopTakeProfit,
  csvExport,
  webhookAlert,
]);
