package io.lockn.compression.roi;

/** What an interval says about a difference; anything but {@link #INCONCLUSIVE} only when it excludes "no change". */
public enum Verdict {
  /** The compressed group is better (cheaper, faster): the whole interval lies on the good side. */
  SAVES,
  /** The compressed group is worse (dearer, slower): the whole interval lies on the bad side. */
  COSTS_MORE,
  /** The interval contains "no change", or there was not enough data. */
  INCONCLUSIVE
}
