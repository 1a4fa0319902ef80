package app;

import dev.dynsecret.apic.internal.SettingsParser;
import dev.dynsecret.internal.Texts;
import dev.dynsecret.jdbc.internal.Tables;

/** Reaches into the three internal packages; must not compile. */
public final class Main {
  public static void main(String[] args) {
    System.out.println(Texts.quoted("x") + new Tables("dynsecret_") + SettingsParser.class);
  }
}
