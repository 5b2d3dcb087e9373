# The scoring job on Flink 2.2, for compose (application mode) and the Flink Kubernetes Operator.
# Build from the repository root:  docker build -f deploy/docker/flink-job.Dockerfile -t energysentinel/flink-job:0.1.0 .
# Every base image is pinned to a release tag; deploy/README.md lists them and what was checked here.
FROM maven:3.9.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
# One reactor run: -am builds model-contract and trainer with the job, so copy-dependencies on trainer finds
# model-contract in the reactor. (Run alone with -pl trainer, it looks for model-contract in ~/.m2, where
# `package` never puts it, and fails.) copy-dependencies runs in every module of the reactor; the group filter
# keeps DJL and what its engine needs, and the same jars from several modules land on the same names.
RUN mvn -B -q -Pdeploy -DskipTests -pl flink-job -am package \
      dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=/out/djl \
      -DincludeGroupIds=ai.djl,ai.djl.pytorch,com.google.code.gson,net.java.dev.jna,org.apache.commons \
 && mvn -B -q dependency:copy -Dartifact=com.microsoft.onnxruntime:onnxruntime:1.29.0 -DoutputDirectory=/out

FROM flink:2.2.1-java17
# ONNX Runtime goes into Flink's lib/, not the job jar: its native library can be loaded once per JVM, and a
# job classloader per submission would try again (see the README's pitfalls). For a GPU image use
# onnxruntime_gpu here instead, never both.
COPY --from=build /out/onnxruntime-1.29.0.jar /opt/flink/lib/
# DJL with PyTorch's CPU natives, for retraining inside the job (--retrain-interval); same reason: lib/.
COPY --from=build /out/djl/ /opt/flink/lib/
ENV FLINK_ENV_JAVA_OPTS="-Dai.djl.offline=true"
# Retraining runs SGLD in libtorch: oneDNN's AVX-512 convolution backward gave NaN on AMD Zen 5 (README pitfalls).
ENV ONEDNN_MAX_CPU_ISA=AVX2
COPY --from=build /src/flink-job/target/energysentinel-flink-job.jar /opt/flink/usrlib/energysentinel-flink-job.jar
# The image's entry point drops to user flink (uid/gid 9999). A Docker named volume mounted on a path is
# seeded with that path's owner from the image, so these directories must exist here, owned by flink: else the
# volume is root's, checkpoints fail, and with them every exactly-once commit. Kubernetes volumes get the
# same through the pod's fsGroup instead (deploy/k8s/flink-deployment.yaml).
RUN mkdir -p /opt/flink/checkpoints /opt/energysentinel/models /opt/energysentinel/retrained \
 && chown -R flink:flink /opt/flink/checkpoints /opt/energysentinel
