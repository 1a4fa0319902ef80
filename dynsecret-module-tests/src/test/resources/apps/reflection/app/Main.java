package app;

import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Method;

/**
 * Tries to call a public static method of each class named in the arguments by reflection, first
 * as is, then after {@code setAccessible(true)}. Prints one line per attempt: {@code called}, or
 * {@code refused} with the exception. Exits with 0 unless something unexpected happened.
 */
public final class Main {
  public static void main(String[] args) throws Exception {
    for (String spec : args) {
      String className = spec.substring(0, spec.indexOf('#'));
      String methodName = spec.substring(spec.indexOf('#') + 1);
      Class<?> type = Class.forName(className);
      Method method = type.getMethod(methodName, String.class);
      try {
        method.invoke(null, "x");
        System.out.println("called " + spec);
      } catch (IllegalAccessException e) {
        System.out.println("refused invoke " + spec + ": " + e.getMessage());
      }
      try {
        method.setAccessible(true);
        method.invoke(null, "x");
        System.out.println("called after setAccessible " + spec);
      } catch (InaccessibleObjectException e) {
        System.out.println("refused setAccessible " + spec + ": " + e.getMessage());
      }
    }
  }
}
