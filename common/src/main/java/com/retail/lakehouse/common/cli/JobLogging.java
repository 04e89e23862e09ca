package com.retail.lakehouse.common.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * The jobs' logging under {@code spark-submit}. The application jar is not on the classpath when
 * log4j starts, so a cluster without a log4j2 configuration of its own logs with Spark's built-in
 * profile: everything at INFO, megabytes per stage. A job then switches to the configuration it
 * ships ({@code conf/log4j2.properties}: the pipeline at INFO, Spark and Delta at WARN). A
 * configuration the cluster or the submitter chose ({@code $SPARK_CONF_DIR/log4j2.properties},
 * {@code -Dlog4j2.configurationFile}) is left alone. Called once the session has started, since
 * starting a SparkContext re-applies Spark's profile.
 */
public final class JobLogging {
  /** The configuration the jobs ship, in the jar beside the environments' configuration. */
  static final String SHIPPED = "conf/log4j2.properties";

  private JobLogging() {}

  /** Applies the shipped configuration when Spark's default one is in force; returns it if so. */
  public static Optional<URI> applyShippedUnlessConfigured() {
    if (System.getProperty("log4j2.configurationFile") != null) {
      return Optional.empty();
    }
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    URL shipped = JobLogging.class.getClassLoader().getResource(SHIPPED);
    if (shipped == null || !isSparkDefault(context.getConfigLocation())) {
      return Optional.empty();
    }
    try {
      URI uri = shipped.toURI();
      Configurator.reconfigure(uri);
      return Optional.of(uri);
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
  }

  /**
   * True when log4j runs without a configuration of its own: none found, or one of the profiles
   * Spark falls back on ({@code org/apache/spark/log4j2-defaults.properties} and the like).
   */
  static boolean isSparkDefault(URI location) {
    return location == null || location.toString().contains("org/apache/spark/log4j2");
  }
}
