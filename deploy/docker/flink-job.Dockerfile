# The scoring job on Flink 2.2, for compose (application mode) and the Flink Kubernetes Operator.
# Build from the repository root:  docker build -f deploy/docker/flink-job.Dockerfile -t energysentinel/flink-job:0.1.0 .
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -Pdeploy -DskipTests -pl flink-job -am package \
 && mvn -B -q dependency:copy -Dartifact=com.microsoft.onnxruntime:onnxruntime:1.29.0 -DoutputDirectory=/out \
 && mvn -B -q -pl trainer dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=/out/djl \
      -DincludeGroupIds=ai.djl,ai.djl.pytorch,com.google.code.gson,net.java.dev.jna,org.apache.commons

FROM flink:2.2.1-java17
# ONNX Runtime goes into Flink's lib/, not the job jar: its native library can be loaded once per JVM, and a
# job classloader per submission would try again (see the README's pitfalls). For a GPU image use
# onnxruntime_gpu here instead, never both.
COPY --from=build /out/onnxruntime-1.29.0.jar /opt/flink/lib/
# DJL with PyTorch's CPU natives, for retraining inside the job (--retrain-interval); same reason: lib/.
COPY --from=build /out/djl/ /opt/flink/lib/
ENV FLINK_ENV_JAVA_OPTS="-Dai.djl.offline=true"
COPY --from=build /src/flink-job/target/energysentinel-flink-job.jar /opt/flink/usrlib/energysentinel-flink-job.jar
