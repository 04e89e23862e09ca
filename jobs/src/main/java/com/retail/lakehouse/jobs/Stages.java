package com.retail.lakehouse.jobs;

import com.retail.lakehouse.common.cli.Job;
import com.retail.lakehouse.common.cli.JobContext;
import com.retail.lakehouse.common.cli.JobRunner;
import com.retail.lakehouse.common.cli.StageGraph;
import com.retail.lakehouse.common.cli.StageResult;
import com.retail.lakehouse.jobs.shop.OrdersExtractJob;
import com.retail.lakehouse.jobs.shop.OrdersGoldJob;
import com.retail.lakehouse.jobs.shop.OrdersSilverJob;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * The registry of the pipeline's stages: the one list of them. Their order, the DAG's edges and the
 * "run that stage first" hints come from what each stage declares ({@link Job#spec()}).
 */
public final class Stages {
  private Stages() {}

  public static final StageGraph GRAPH =
      StageGraph.of(
          List.of(
              new BronzeIngestJob(),
              new OrdersExtractJob(),
              new SilverJob(),
              new OrdersSilverJob(),
              new GoldJob(),
              new OrdersGoldJob(),
              new RecommendationsJob(),
              new PublishJob()));

  /**
   * What the Airflow DAGs read ({@code airflow-dags/stages.json}): the daily stages and, apart, the
   * weekly maintenance.
   */
  public static String json() {
    return GRAPH.toJson(List.of(new MaintainJob()));
  }

  /** A job's {@code main}: parse, validate, run with its audit row, exit with its status. */
  public static void run(Job job, String[] args) {
    JobRunner.run(GRAPH, job, args);
  }

  /** Runs one stage in a session the caller owns, with its input check and audit row. */
  public static StageResult execute(Job job, SparkSession spark, JobContext ctx) {
    return JobRunner.execute(GRAPH, job, spark, ctx);
  }
}
