package io.k8j.scheduler.plugins.podtopologyspread;

import io.k8j.scheduler.framework.StateData;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Per hard constraint, the number of matching pods in each topology domain and the two smallest
 * counts (upstream's critical paths), so the filter finds the global minimum in O(1).
 */
final class PreFilterState implements StateData {
  final List<Constraint> constraints;
  final List<Map<String, Integer>> tpValueToMatchNum;
  final List<CriticalPaths> criticalPaths;

  PreFilterState(List<Constraint> constraints) {
    this.constraints = constraints;
    this.tpValueToMatchNum = new ArrayList<>(constraints.size());
    this.criticalPaths = new ArrayList<>(constraints.size());
    for (int i = 0; i < constraints.size(); i++) {
      tpValueToMatchNum.add(new HashMap<>());
      criticalPaths.add(new CriticalPaths());
    }
  }

  private PreFilterState(PreFilterState o) {
    this.constraints = o.constraints;
    this.tpValueToMatchNum = new ArrayList<>(o.tpValueToMatchNum.size());
    this.criticalPaths = new ArrayList<>(o.criticalPaths.size());
    for (int i = 0; i < o.tpValueToMatchNum.size(); i++) {
      tpValueToMatchNum.add(new HashMap<>(o.tpValueToMatchNum.get(i)));
      criticalPaths.add(o.criticalPaths.get(i).copy());
    }
  }

  @Override
  public StateData copy() {
    return new PreFilterState(this);
  }

  /** The global minimum for constraint {@code i}: 0 while fewer domains than minDomains exist. */
  int minMatchNum(int i) {
    int min = criticalPaths.get(i).minNum();
    if (tpValueToMatchNum.get(i).size() < constraints.get(i).minDomains()) {
      return 0;
    }
    return min;
  }

  void add(int i, String value, int delta) {
    int n = tpValueToMatchNum.get(i).merge(value, delta, Integer::sum);
    criticalPaths.get(i).update(value, n);
  }

  /** The two domains with the fewest matching pods (the first holds the minimum). */
  static final class CriticalPaths {
    private final String[] values = new String[2];
    private final int[] nums = {Integer.MAX_VALUE, Integer.MAX_VALUE};

    CriticalPaths copy() {
      CriticalPaths c = new CriticalPaths();
      c.values[0] = values[0];
      c.values[1] = values[1];
      c.nums[0] = nums[0];
      c.nums[1] = nums[1];
      return c;
    }

    int minNum() {
      return nums[0];
    }

    void update(String value, int num) {
      int i = value.equals(values[0]) ? 0 : value.equals(values[1]) ? 1 : -1;
      if (i >= 0) {
        nums[i] = num;
        if (nums[0] > nums[1]) {
          String v = values[0];
          values[0] = values[1];
          values[1] = v;
          int n = nums[0];
          nums[0] = nums[1];
          nums[1] = n;
        }
      } else if (num < nums[0]) {
        values[1] = values[0];
        nums[1] = nums[0];
        values[0] = value;
        nums[0] = num;
      } else if (num < nums[1]) {
        values[1] = value;
        nums[1] = num;
      }
    }
  }
}
