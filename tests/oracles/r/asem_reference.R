# Independent R computation of the ASEM reference cases, following COINr 1.1.14's documented
# conventions (direction applied by multiplying by -1 before normalisation; min-max
# (x - min)/(max - min)*(u - l) + l; z-score (x - mean)/sd*s + m with sd on n - 1; weights
# renormalised over the available children of each aggregate; weighted geometric mean
# exp(sum(w log x)/sum(w)); levels aggregated bottom-up in iMeta order).
#
# Used because CRAN (and so COINr itself) cannot be reached from the build machines. The script
# reproduces COINr's own min-max + arithmetic output (a_minmax_amean_scores.csv) to within
# 1e-13, which checks that it follows COINr's pipeline; the other cases swap in the formulas above.
#
# Run from the repository root:
#   Rscript tests/oracles/r/asem_reference.R src/spindex/datasets/data/asem tests/oracles/data

args <- commandArgs(trailingOnly = TRUE)
data_dir <- args[1]
out_dir <- args[2]

idata <- read.csv(file.path(data_dir, "ASEM_iData.csv"), stringsAsFactors = FALSE)
imeta <- read.csv(file.path(data_dir, "ASEM_iMeta.csv"), stringsAsFactors = FALSE)
imeta <- imeta[imeta$Type %in% c("Indicator", "Aggregate"), ]
ind <- imeta[imeta$Type == "Indicator", ]

scale_minmax <- function(x, l, u) {
  lo <- min(x, na.rm = TRUE); hi <- max(x, na.rm = TRUE)
  (x - lo) / (hi - lo) * (u - l) + l
}
scale_z <- function(x, m, s) (x - mean(x, na.rm = TRUE)) / stats::sd(x, na.rm = TRUE) * s + m

mean_arith <- function(x, w) {
  keep <- !is.na(x)
  if (!any(keep)) return(NA)
  w <- w[keep] / sum(w[keep])
  sum(w * x[keep])
}
mean_geom <- function(x, w) {
  if (!any(!is.na(x))) return(NA)
  w[is.na(x)] <- NA
  exp(sum(w * log(x), na.rm = TRUE) / sum(w, na.rm = TRUE))
}

run_case <- function(normalise, aggregate) {
  out <- data.frame(uCode = idata$uCode)
  for (k in seq_len(nrow(ind))) {
    code <- ind$iCode[k]
    out[[code]] <- normalise(idata[[code]] * ind$Direction[k])
  }
  for (lev in 2:max(imeta$Level)) {
    nodes <- imeta[imeta$Level == lev, ]
    for (k in seq_len(nrow(nodes))) {
      kids <- imeta[!is.na(imeta$Parent) & imeta$Parent == nodes$iCode[k], ]
      X <- as.matrix(out[kids$iCode])
      out[[nodes$iCode[k]]] <- apply(X, 1, aggregate, w = kids$Weight)
    }
  }
  out[order(out$uCode), ]
}

write_case <- function(df, name) {
  path <- file.path(out_dir, name)
  for (col in names(df)[-1]) {
    v <- df[[col]]
    df[[col]] <- ifelse(is.na(v), "", sprintf("%.17g", v))
  }
  write.csv(df, path, row.names = FALSE, quote = FALSE)
}

check <- run_case(function(x) scale_minmax(x, 0, 100), mean_arith)
ref <- read.csv(file.path(out_dir, "a_minmax_amean_scores.csv"))
ref <- ref[order(ref$uCode), names(check)]
worst <- max(abs(as.matrix(check[-1]) - as.matrix(ref[-1])), na.rm = TRUE)
same_na <- all(is.na(as.matrix(check[-1])) == is.na(as.matrix(ref[-1])))
cat("min-max + arithmetic vs COINr: max abs difference", worst, "same NA pattern", same_na, "\n")
stopifnot(worst < 1e-13, same_na)

write_case(run_case(function(x) scale_minmax(x, 1, 100), mean_geom), "r_minmax1_gmean_scores.csv")
write_case(run_case(function(x) scale_z(x, 10, 2), mean_arith), "r_zscore_amean_scores.csv")
cat("R", R.version.string, "\n")
