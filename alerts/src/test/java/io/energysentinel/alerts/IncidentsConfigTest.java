package io.energysentinel.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/** Command-line settings of the incidents application and the Kafka Streams properties made from them. */
class IncidentsConfigTest {
    @Test
    void internalTopicsTakeTheBrokersDefaultReplicationFactorUnlessOneIsGiven() {
        assertThat(IncidentsApp.properties(IncidentsConfig.fromArgs()).get(StreamsConfig.REPLICATION_FACTOR_CONFIG))
                .isEqualTo(-1);
        assertThat(IncidentsApp.properties(IncidentsConfig.fromArgs("--replication-factor", "3"))
                .get(StreamsConfig.REPLICATION_FACTOR_CONFIG)).isEqualTo(3);
    }

    @Test
    void refusesAReplicationFactorOfZeroOrBelowMinusOne() {
        assertThatThrownBy(() -> IncidentsConfig.fromArgs("--replication-factor", "0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("replication factor");
        assertThatThrownBy(() -> IncidentsConfig.fromArgs("--replication-factor", "-2"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("replication factor");
    }
}
