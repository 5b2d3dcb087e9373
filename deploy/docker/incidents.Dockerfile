# The incidents application (Kafka Streams).
# Build from the repository root:  docker build -f deploy/docker/incidents.Dockerfile -t energysentinel/incidents:0.1.0 .
FROM maven:3.9.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -DskipTests -pl alerts -am package dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory=target/lib

FROM eclipse-temurin:17.0.15_6-jre
COPY --from=build /src/alerts/target/alerts-0.1.0-SNAPSHOT.jar /app/alerts.jar
COPY --from=build /src/alerts/target/lib /app/lib
EXPOSE 9465
ENTRYPOINT ["java", "-cp", "/app/alerts.jar:/app/lib/*", "io.energysentinel.alerts.IncidentsApp"]
