# Independent R computation of the ASEM data-preparation reference cases, following the
# algorithm of COINr 1.1.14 (R/treat.R, R/denominate.R, R/impute.R, R/screen_units.R) as its
# documentation and source describe it. Written for spindex; it does not load COINr, which
# cannot be installed here (CRAN is unreachable from the build machines).
#
# Conventions pinned (COINr 1.1.14):
# - skew: e1071 type 2, sqrt(n) * sum(d^3) / sum(d^2)^(3/2) * sqrt(n (n - 1)) / (n - 2) with
#   d = x - mean(x); kurtosis: the sample-adjusted EXCESS kurtosis (e1071 type 2, Excel KURT)
#   ((n + 1) (r - 3) + 6) (n - 1) / ((n - 2) (n - 3)) with r = n sum(d^4) / sum(d^2)^2.
#   Missing values are dropped first.
# - an indicator passes if |skew| < skew_thresh OR kurtosis < kurt_thresh.
# - winsorise: while failing and nwin < winmax: if skew >= 0, every unit holding the current
#   maximum gets the largest remaining value, else every unit holding the minimum gets the
#   smallest remaining value; nwin = (size of the last high set) + (size of the last low set),
#   so tied values count as several points and nwin may overshoot winmax.
# - if the winsorised column still fails, the winsorisation is discarded and log_CT is applied
#   to the ORIGINAL values: log(x - min + 0.01 (max - min)) (COINr's default f2, whatever the
#   sign of the skew; log_CT_plus, which mirrors it for negative skew, is not the default).
# - Denominate: x / (denominator / ScaleFactor), ScaleFactor 1; a missing denominator gives a
#   missing value. Impute "i_mean_grp": missing values get the mean of the observed values of
#   their group. Screen "byNA": keep units with (1 - share of missing indicators) >= dat_thresh.
#
# Before writing anything the script checks itself against COINr 1.1.14 output printed in
# COINr's own documentation (see `validate()`), then writes the reference CSVs.
#
# Run from the repository root:
#   Rscript tests/oracles/r/prep_reference.R src/spindex/datasets/data/asem tests/oracles/data

args <- commandArgs(trailingOnly = TRUE)
data_dir <- args[1]
out_dir <- args[2]

idata <- read.csv(file.path(data_dir, "ASEM_iData.csv"), stringsAsFactors = FALSE)
imeta <- read.csv(file.path(data_dir, "ASEM_iMeta.csv"), stringsAsFactors = FALSE)
imeta <- imeta[imeta$Type %in% c("Indicator", "Aggregate"), ]
ind <- imeta[imeta$Type == "Indicator", ]
codes <- ind$iCode

# ------------------------------------------------------------------ statistics
skew2 <- function(x) {
  x <- x[!is.na(x)]
  n <- length(x)
  d <- x - mean(x)
  g <- sqrt(n) * sum(d^3) / (sum(d^2)^(3 / 2))
  g * sqrt(n * (n - 1)) / (n - 2)
}
kurt2 <- function(x) {
  x <- x[!is.na(x)]
  n <- length(x)
  d <- x - mean(x)
  r <- n * sum(d^4) / (sum(d^2)^2)
  ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))
}
test_sk <- function(x, st, kt) {
  s <- skew2(x)
  k <- kurt2(x)
  list(pass = (abs(s) < st) | (k < kt), skew = s, kurt = k)
}

# ------------------------------------------------------------------ treatment
win_one_by_one <- function(x, winmax, st, kt) {
  hi <- integer(0)
  lo <- integer(0)
  nwin <- 0
  ok <- test_sk(x, st, kt)$pass
  while (!ok && nwin < winmax) {
    if (skew2(x) >= 0) {
      hi <- which(x == max(x, na.rm = TRUE))
      x[hi] <- max(x[-hi], na.rm = TRUE)
    } else {
      lo <- which(x == min(x, na.rm = TRUE))
      x[lo] <- min(x[-lo], na.rm = TRUE)
    }
    nwin <- length(hi) + length(lo)
    ok <- test_sk(x, st, kt)$pass
  }
  list(x = x, nwin = nwin, hi = hi, lo = lo)
}
log_ct <- function(x) {
  lo <- min(x, na.rm = TRUE)
  hi <- max(x, na.rm = TRUE)
  log(x - lo + 0.01 * (hi - lo))
}

treat_column <- function(x, winmax, st = 2, kt = 3.5) {
  c0 <- test_sk(x, st, kt)
  out <- list(x = x, status = "passed", nwin = NA, c0 = c0, c1 = NULL, c2 = NULL,
              hi = integer(0), lo = integer(0))
  if (c0$pass) return(out)
  w <- win_one_by_one(x, winmax, st, kt)
  out$nwin <- w$nwin
  out$c1 <- test_sk(w$x, st, kt)
  if (out$c1$pass) {
    out$x <- w$x
    out$status <- "winsorised"
    out$hi <- w$hi
    out$lo <- w$lo
    return(out)
  }
  out$x <- log_ct(x)
  out$status <- "log"
  out$c2 <- test_sk(out$x, st, kt)
  out
}

treat_frame <- function(df, winmax, st = 2, kt = 3.5) {
  res <- lapply(codes, function(code) treat_column(df[[code]], winmax, st, kt))
  names(res) <- codes
  treated <- df
  for (code in codes) treated[[code]] <- res[[code]]$x
  num <- function(v) if (is.null(v)) NA else v
  units <- function(r, which) paste(sort(df$uCode[r[[which]]]), collapse = ";")
  details <- data.frame(
    iCode = codes,
    status = sapply(res, `[[`, "status"),
    nwin = sapply(res, function(r) num(r$nwin)),
    pass0 = sapply(res, function(r) r$c0$pass),
    skew0 = sapply(res, function(r) r$c0$skew),
    kurt0 = sapply(res, function(r) r$c0$kurt),
    pass1 = sapply(res, function(r) num(r$c1$pass)),
    skew1 = sapply(res, function(r) num(r$c1$skew)),
    kurt1 = sapply(res, function(r) num(r$c1$kurt)),
    pass2 = sapply(res, function(r) num(r$c2$pass)),
    skew2 = sapply(res, function(r) num(r$c2$skew)),
    kurt2 = sapply(res, function(r) num(r$c2$kurt)),
    units_high = sapply(res, units, "hi"),
    units_low = sapply(res, units, "lo"),
    stringsAsFactors = FALSE
  )
  list(data = treated, details = details)
}

# ------------------------------------------------------------------ other steps
denominate <- function(df) {
  out <- df
  for (k in seq_len(nrow(ind))) {
    den <- ind$Denominator[k]
    if (!is.na(den) && den != "") {
      out[[ind$iCode[k]]] <- df[[ind$iCode[k]]] / (df[[den]] / 1)
    }
  }
  out
}
impute_group_mean <- function(df, group) {
  out <- df
  g <- df[[group]]
  for (code in codes) {
    x <- df[[code]]
    for (lev in unique(g)) {
      rows <- which(g == lev)
      miss <- rows[is.na(x[rows])]
      if (length(miss)) out[[code]][miss] <- mean(x[rows], na.rm = TRUE)
    }
  }
  out
}
screen_by_missing <- function(df, thresh) {
  avail <- 1 - rowSums(is.na(df[codes])) / length(codes)
  list(data = df[avail >= thresh, ], summary = data.frame(
    uCode = df$uCode, n_missing = rowSums(is.na(df[codes])), coverage = avail,
    included = avail >= thresh))
}

# --------------------------------------------------------- normalise + aggregate
scale_minmax <- function(x, l, u) {
  lo <- min(x, na.rm = TRUE); hi <- max(x, na.rm = TRUE)
  (x - lo) / (hi - lo) * (u - l) + l
}
mean_arith <- function(x, w) {
  keep <- !is.na(x)
  if (!any(keep)) return(NA)
  w <- w[keep] / sum(w[keep])
  sum(w * x[keep])
}
score_minmax_arith <- function(df) {
  out <- data.frame(uCode = df$uCode)
  for (k in seq_len(nrow(ind))) {
    code <- ind$iCode[k]
    out[[code]] <- scale_minmax(df[[code]] * ind$Direction[k], 0, 100)
  }
  for (lev in 2:max(imeta$Level)) {
    nodes <- imeta[imeta$Level == lev, ]
    for (k in seq_len(nrow(nodes))) {
      kids <- imeta[!is.na(imeta$Parent) & imeta$Parent == nodes$iCode[k], ]
      X <- as.matrix(out[kids$iCode])
      out[[nodes$iCode[k]]] <- apply(X, 1, mean_arith, w = kids$Weight)
    }
  }
  out
}

# ------------------------------------------------------------------ validation
# Values printed by COINr 1.1.14 in its reference pages (the examples of Treat.coin, Treat.data.frame,
# qTreat.data.frame, winsorise and get_results). A printed number with d decimals must agree to
# half a unit in its last decimal.
agree <- function(value, printed) {
  decimals <- nchar(sub("^[^.]*\\.?", "", printed))
  abs(value - as.numeric(printed)) <= 0.5 * 10^(-decimals) * (1 + 1e-9)
}
validate <- function() {
  # winsorise(c(1:10, 30, 100)) -> the 100 becomes 30, nwin 1
  w <- win_one_by_one(c(1:10, 30, 100), 5, 2, 3.5)
  stopifnot(identical(w$x, c(1:10, 30, 30)), w$nwin == 1)

  # Treat(coin, dset = "Raw"): head(coin$Analysis$Treated$Dets_Table)
  coin_head <- list(
    LPI = c("TRUE", "-0.3042681", "-0.6567514"),
    Flights = c("FALSE", "2.1032872", "4.5088794", "1", "1.900658", "3.336065"),
    Ship = c("TRUE", "-0.5756680", "-0.6814795"),
    Bord = c("FALSE", "2.1482360", "5.7914905", "1", "1.899211", "4.346298"),
    Elec = c("FALSE", "2.2252736", "5.7910268", "1", "1.717744", "2.586062"),
    Gas = c("FALSE", "2.8294486", "10.3346494", "1", "1.602518", "1.525576"))
  # Treat(ASEM_iData[c("Flights", "Goods", "Services")]): l_treat$Dets_Table
  df1 <- list(
    Goods = c("FALSE", "2.649973", "8.266610", "2", "1.140608", "0.1572047"),
    Services = c("TRUE", "1.701085", "2.375656"))
  for (ref in list(coin_head, df1)) {
    for (code in names(ref)) {
      r <- treat_column(idata[[code]], 5)
      p <- ref[[code]]
      stopifnot(r$c0$pass == as.logical(p[1]), agree(r$c0$skew, p[2]), agree(r$c0$kurt, p[3]))
      if (length(p) > 3) {
        stopifnot(r$status == "winsorised", r$nwin == as.integer(p[4]),
                  agree(r$c1$skew, p[5]), agree(r$c1$kurt, p[6]))
      } else {
        stopifnot(r$status == "passed")
      }
    }
  }
  # qTreat(df1, winmax = 1, skew_thresh = 1.5, kurt_thresh = 3): the log fallback fires
  q <- list(
    Flights = c("1", "1.900658", "3.336065", "-0.09502644", "-0.8305217"),
    Goods = c("1", "2.469910", "7.087309", "0.03104001", "-0.8888965"))
  for (code in names(q)) {
    r <- treat_column(idata[[code]], 1, 1.5, 3)
    p <- q[[code]]
    stopifnot(r$status == "log", r$nwin == as.integer(p[1]), agree(r$c1$skew, p[2]),
              agree(r$c1$kurt, p[3]), agree(r$c2$skew, p[4]), agree(r$c2$kurt, p[5]))
  }
  # build_example_coin(): head(get_results(coin, dset = "Aggregated", tab_type = "Aggs"))
  top <- read.csv(text = paste(
    "uCode,Index,Conn,Sust,Physical,ConEcFin,Political,Instit,P2P,Environ,Social,SusEcFin",
    "CHE,68.38,62.79,73.98,63.41,32.87,74.78,85.94,56.93,77.21,87.85,56.88",
    "NLD,64.82,61.94,67.70,64.87,46.62,84.55,71.74,41.92,58.73,86.58,57.78",
    "DNK,64.80,57.10,72.51,50.52,30.43,78.13,75.35,51.04,69.83,86.40,61.29",
    "NOR,64.47,57.44,71.50,58.18,25.70,80.03,89.46,33.80,70.90,87.00,56.59",
    "BEL,63.54,63.99,63.09,71.97,48.22,80.84,75.60,43.32,53.01,86.17,50.09",
    "SWE,63.00,53.87,72.12,51.51,23.87,80.98,74.51,38.50,66.37,87.74,62.27",
    sep = "\n"), stringsAsFactors = FALSE)
  scores <- example_pipeline()$scores
  ordered <- scores[order(-scores$Index), ]
  stopifnot(identical(ordered$uCode[1:6], top$uCode))
  mine <- as.matrix(ordered[1:6, names(top)[-1]])
  worst <- max(abs(round(mine, 2) - as.matrix(top[-1])))
  stopifnot(worst < 1e-9)
  cat("validated against COINr 1.1.14 printed output: Treat (9 indicators), qTreat log",
      "fallback (2), winsorise example, full example coin (top 6 x 11 scores)\n")
}

# ------------------------------------------------------------------ cases
example_pipeline <- function() {
  den <- denominate(idata)
  imp <- impute_group_mean(den, "EurAsia_group")
  scr <- screen_by_missing(imp, 0.9)
  tr <- treat_frame(scr$data, 5)
  list(denominated = den, imputed = imp, screen = scr$summary, treated = tr$data,
       details = tr$details, scores = score_minmax_arith(tr$data))
}

write_table <- function(df, name, numeric_cols = NULL) {
  if (is.null(numeric_cols)) numeric_cols <- names(df)[sapply(df, is.numeric)]
  for (col in numeric_cols) {
    v <- df[[col]]
    df[[col]] <- ifelse(is.na(v), "", sprintf("%.17g", v))
  }
  logical_cols <- names(df)[sapply(df, is.logical)]
  for (col in logical_cols) df[[col]] <- ifelse(is.na(df[[col]]), "", as.character(df[[col]]))
  write.csv(df[order(df[[1]]), ], file.path(out_dir, name), row.names = FALSE, quote = FALSE)
}

validate()

for (case in list(list("r_treat_default", 5), list("r_treat_winmax1", 1))) {
  tr <- treat_frame(idata, case[[2]])
  write_table(tr$data[c("uCode", codes)], paste0(case[[1]], "_treated.csv"))
  write_table(tr$details, paste0(case[[1]], "_details.csv"))
  write_table(score_minmax_arith(tr$data), paste0(case[[1]], "_scores.csv"))
  cat(case[[1]], ":", table(tr$details$status), "(", names(table(tr$details$status)), ")\n")
}

p <- example_pipeline()
write_table(p$denominated[c("uCode", codes)], "r_pipeline_denominated.csv")
write_table(p$imputed[c("uCode", codes)], "r_pipeline_imputed.csv")
write_table(p$screen, "r_pipeline_screen.csv")
write_table(p$treated[c("uCode", codes)], "r_pipeline_treated.csv")
write_table(p$details, "r_pipeline_details.csv")
write_table(p$scores, "r_pipeline_scores.csv")
cat("pipeline: screened out", sum(!p$screen$included), "units;", table(p$details$status), "\n")

# Not a COINr example: the same steps with screening moved before imputation, so that units
# with little observed data are dropped before they feed the group means.
den <- denominate(idata)
scr <- screen_by_missing(den, 0.9)
tr <- treat_frame(impute_group_mean(scr$data, "EurAsia_group"), 5)
write_table(scr$summary, "r_screenfirst_screen.csv")
write_table(tr$data[c("uCode", codes)], "r_screenfirst_treated.csv")
write_table(tr$details, "r_screenfirst_details.csv")
write_table(score_minmax_arith(tr$data), "r_screenfirst_scores.csv")
cat("screen first: screened out", paste(scr$summary$uCode[!scr$summary$included]), "\n")
cat("R", R.version.string, "\n")
