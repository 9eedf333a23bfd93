# Correlation diagnostics of the min-max normalised ASEM indicators, computed in base R 4.2.2 the way
# COINr 1.1.14 computes them (CRAN, and so COINr itself, cannot be reached from the build machines):
#
# - COINr's get_corr(), get_corr_flags() and get_denom_corr() all call
#     stats::cor(iData1, iData2, use = "pairwise.complete.obs", method = cortype)
#   (R/correlations.R), so the reference correlation matrices are exactly that call.
# - COINr's get_pvals() calls stats::cor.test() on every pair (which drops the units missing in
#   either column); the Pearson p-values below do the same.
# - COINr's get_cronbach() is k^2 * mean(off-diagonal cov) / sum(cov) with
#   cov(X, use = "pairwise.complete.obs"); computed per pillar below with that formula.
# - COINr's get_PCA() drops incomplete rows (na.omit) and calls prcomp(center = TRUE,
#   scale = TRUE); the eigenvalues per pillar are prcomp's sdev^2.
# - Nicoletti weights per pillar on the complete rows (not in COINr, which uses the first
#   component's loadings as weights): eigen() of the correlation matrix, retention rule
#   (eigenvalue > 1 and share > 10%, extended until the cumulative share exceeds 60%),
#   stats::varimax(normalize = TRUE) iterated to its fixed point, squared loadings / explained
#   variance.
#
# Min-max normalisation as in asem_reference.R: direction applied by multiplying by -1, then
# (x - min) / (max - min) * 100.
#
# Run from the repository root:
#   Rscript tests/oracles/r/asem_correlation.R src/spindex/datasets/data/asem tests/oracles/data

args <- commandArgs(trailingOnly = TRUE)
data_dir <- args[1]
out_dir <- args[2]

idata <- read.csv(file.path(data_dir, "ASEM_iData.csv"), stringsAsFactors = FALSE)
imeta <- read.csv(file.path(data_dir, "ASEM_iMeta.csv"), stringsAsFactors = FALSE)
ind <- imeta[imeta$Type == "Indicator", ]

scale_minmax <- function(x, l, u) {
  lo <- min(x, na.rm = TRUE); hi <- max(x, na.rm = TRUE)
  (x - lo) / (hi - lo) * (u - l) + l
}
X <- sapply(seq_len(nrow(ind)), function(k) scale_minmax(idata[[ind$iCode[k]]] * ind$Direction[k], 0, 100))
colnames(X) <- ind$iCode
rownames(X) <- idata$uCode

fmt <- function(v) ifelse(is.na(v), "", sprintf("%.17g", v))

write_matrix <- function(M, name) {
  df <- data.frame(iCode = rownames(M), stringsAsFactors = FALSE)
  for (j in seq_len(ncol(M))) df[[colnames(M)[j]]] <- fmt(M[, j])
  write.csv(df, file.path(out_dir, name), row.names = FALSE, quote = FALSE)
}

for (method in c("pearson", "spearman", "kendall")) {
  write_matrix(cor(X, use = "pairwise.complete.obs", method = method),
               sprintf("r_minmax_%s_corr.csv", method))
}

# Pearson p-values, pair by pair, as COINr's get_pvals().
P <- matrix(0, ncol(X), ncol(X), dimnames = list(colnames(X), colnames(X)))
for (i in seq_len(ncol(X) - 1)) {
  for (j in (i + 1):ncol(X)) {
    P[i, j] <- P[j, i] <- cor.test(X[, i], X[, j])$p.value
  }
}
write_matrix(P, "r_minmax_pearson_pvalues.csv")

nicoletti <- function(R) {
  e <- eigen(R, symmetric = TRUE)
  share <- e$values / sum(e$values)
  keep <- e$values > 1 & share > 0.1
  m <- if (all(keep)) length(keep) else max(1, which(!keep)[1] - 1)
  while (m < length(share) && cumsum(share)[m] <= 0.6) m <- m + 1
  L <- e$vectors[, 1:m, drop = FALSE] %*% diag(sqrt(e$values[1:m]), m)
  # stats::varimax stops on a small relative gain in the criterion, which leaves the loadings
  # accurate to about sqrt(eps); calling it again on its own output until the loadings stop
  # moving reaches the fixed point to machine precision.
  if (m > 1) {
    repeat {
      L_new <- unclass(stats::varimax(L, normalize = TRUE, eps = 1e-15)$loadings)
      done <- max(abs(L_new - L)) < 1e-14
      L <- L_new
      if (done) break
    }
  }
  sq <- L^2
  explained <- colSums(sq)
  raw <- apply(sq, 1, max) / sum(explained)
  raw / sum(raw)
}

pillars <- unique(ind$Parent)
groups <- data.frame()
eigens <- data.frame()
weights <- data.frame()
for (g in pillars) {
  codes <- ind$iCode[ind$Parent == g]
  G <- X[, codes, drop = FALSE]
  C <- stats::cov(G, use = "pairwise.complete.obs")
  k <- ncol(G)
  sigall <- sum(C, na.rm = TRUE)
  sigav <- (sigall - sum(diag(C), na.rm = TRUE)) / (k * (k - 1))
  complete <- stats::na.omit(G)
  groups <- rbind(groups, data.frame(group = g, alpha = fmt((k^2 * sigav) / sigall),
                                     n_complete = nrow(complete)))
  pc <- stats::prcomp(complete, center = TRUE, scale. = TRUE)
  eigens <- rbind(eigens, data.frame(group = g, component = paste0("PC", seq_along(pc$sdev)),
                                     eigenvalue = fmt(pc$sdev^2)))
  weights <- rbind(weights, data.frame(group = g, iCode = codes,
                                       weight = fmt(nicoletti(stats::cor(complete)))))
}
write.csv(groups, file.path(out_dir, "r_minmax_cronbach.csv"), row.names = FALSE, quote = FALSE)
write.csv(eigens, file.path(out_dir, "r_minmax_pca_eigenvalues.csv"), row.names = FALSE,
          quote = FALSE)
write.csv(weights, file.path(out_dir, "r_minmax_nicoletti_weights.csv"), row.names = FALSE,
          quote = FALSE)
cat("R", R.version.string, "\n")
