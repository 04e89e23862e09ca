package com.retail.lakehouse.common.config;

import com.retail.lakehouse.common.UserError;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.io.File;
import java.util.List;

/**
 * Loads the configuration of an environment: the built-in {@code conf/<env>.conf} (shipped in the
 * jar), optionally layered under a user file, with {@code key=value} overrides on top.
 */
public final class ConfigLoader {
  private ConfigLoader() {}

  public static Settings load(String env, File userFile, List<String> overrides) {
    try {
      Config config = ConfigFactory.parseString(String.join("\n", quoteValues(overrides)));
      if (userFile != null) {
        if (!userFile.isFile()) {
          throw new UserError("configuration file not found: " + userFile);
        }
        config = config.withFallback(ConfigFactory.parseFile(userFile));
      }
      Config builtIn =
          ConfigFactory.parseResources(
              "conf/" + env + ".conf", ConfigParseOptions.defaults().setAllowMissing(false));
      return Settings.from(config.withFallback(builtIn).resolve(), env);
    } catch (ConfigException.IO e) {
      throw new UserError(
          "unknown environment '" + env + "': expected conf/" + env + ".conf (local, cluster)");
    } catch (ConfigException e) {
      throw new UserError("configuration: " + e.getMessage());
    }
  }

  /** {@code key=value} becomes a HOCON line whose value is a quoted string, whatever it holds. */
  static List<String> quoteValues(List<String> overrides) {
    return overrides.stream()
        .map(
            o -> {
              int eq = o.indexOf('=');
              if (eq <= 0) {
                throw new UserError("--set expects key=value (got '" + o + "')");
              }
              // a key is a path of names (quoted names for Spark's dotted keys and rule names such
              // as
              // "missing:store_id"), nothing else
              if (!o.substring(0, eq)
                  .trim()
                  .matches(
                      "([A-Za-z0-9_-]+|\"[A-Za-z0-9_.:-]+\")(\\.([A-Za-z0-9_-]+|\"[A-Za-z0-9_.:-]+\"))*")) {
                throw new UserError(
                    "--set key must be a configuration path such as postgres.schema (got '"
                        + o.substring(0, eq).trim()
                        + "')");
              }
              String value = o.substring(eq + 1).replace("\\", "\\\\").replace("\"", "\\\"");
              return o.substring(0, eq).trim() + " = \"" + value + "\"";
            })
        .toList();
  }
}
