package io.k8j.common;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/** Copies of records with some components changed: the withers of option records, in one place. */
public final class Records {
  private Records() {}

  /**
   * A copy of {@code record} with the named components set to new values, through its canonical
   * constructor (so its checks run on the result).
   *
   * @param namesAndValues pairs of a component's name and its new value
   * @throws IllegalArgumentException for a name the record does not have, or an odd argument count
   */
  @SuppressWarnings("unchecked")
  public static <R extends Record> R with(R record, Object... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("names and values come in pairs");
    }
    Map<String, Object> changes = new HashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      changes.put((String) namesAndValues[i], namesAndValues[i + 1]);
    }
    RecordComponent[] components = record.getClass().getRecordComponents();
    Object[] args = new Object[components.length];
    Class<?>[] types = new Class<?>[components.length];
    try {
      for (int i = 0; i < components.length; i++) {
        RecordComponent c = components[i];
        types[i] = c.getType();
        args[i] =
            changes.containsKey(c.getName())
                ? changes.remove(c.getName())
                : c.getAccessor().invoke(record);
      }
      if (!changes.isEmpty()) {
        throw new IllegalArgumentException(
            record.getClass().getSimpleName()
                + " has no component "
                + changes.keySet()
                + "; it has "
                + Arrays.stream(components).map(RecordComponent::getName).toList());
      }
      Constructor<?> canonical = record.getClass().getDeclaredConstructor(types);
      return (R) canonical.newInstance(args);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot copy " + record.getClass().getName(), e);
    }
  }
}
