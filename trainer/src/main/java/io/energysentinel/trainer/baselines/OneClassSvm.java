package io.energysentinel.trainer.baselines;

import java.util.ArrayList;
import java.util.List;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.anomaly.AnomalyFactory;
import org.tribuo.anomaly.Event;
import org.tribuo.anomaly.libsvm.LibSVMAnomalyTrainer;
import org.tribuo.anomaly.libsvm.SVMAnomalyType;
import org.tribuo.common.libsvm.KernelType;
import org.tribuo.common.libsvm.SVMParameters;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * A one-class SVM with an RBF kernel (Schölkopf et al., 2001), from Tribuo's LIBSVM wrapper (Apache-2.0 over
 * LIBSVM's BSD-3): a maintained library whose licence fits ours.
 *
 * <p>The anomaly score is minus LIBSVM's decision value (positive inside the learned support). {@code gamma = 1/d} on
 * standardised rows (LIBSVM's own default) and {@code nu} bounds the share of training rows left outside.
 */
public final class OneClassSvm implements Detector {
    private final double nu;
    private final int maxRows;
    private final long seed;

    /**
     * @param nu upper bound on the training rows' outlier share, e.g. 0.05
     * @param maxRows fit on at most this many rows (a uniform subsample): kernel SVM training grows quadratically
     * @param seed subsampling seed
     */
    public OneClassSvm(double nu, int maxRows, long seed) {
        if (!(nu > 0 && nu < 1) || maxRows < 2) {
            throw new IllegalArgumentException("nu in (0, 1) and maxRows >= 2 required");
        }
        this.nu = nu;
        this.maxRows = maxRows;
        this.seed = seed;
    }

    @Override
    public String name() {
        return "one_class_svm";
    }

    @Override
    public Fitted fit(double[][] normal) {
        int d = normal[0].length;
        String[] names = new String[d];
        for (int j = 0; j < d; j++) {
            // Tribuo orders features by name: zero-padded names keep the column order.
            names[j] = String.format("f%03d", j);
        }
        AnomalyFactory factory = new AnomalyFactory();
        MutableDataset<Event> data = new MutableDataset<>(new SimpleDataSourceProvenance("normal rows", factory), factory);
        int[] order = io.energysentinel.trainer.data.Splits.permutation(normal.length, seed);
        for (int i = 0; i < Math.min(maxRows, normal.length); i++) {
            data.add(new ArrayExample<>(AnomalyFactory.EXPECTED_EVENT, names, normal[order[i]]));
        }
        SVMParameters<Event> params = new SVMParameters<>(new SVMAnomalyType(SVMAnomalyType.SVMMode.ONE_CLASS), KernelType.RBF);
        params.setGamma(1.0 / d);
        params.setNu(nu);
        // LIBSVM prints its optimiser's progress to stdout unless told otherwise; the evaluation's table is the output.
        libsvm.svm.svm_set_print_string_function(message -> { });
        Model<Event> model = new LibSVMAnomalyTrainer(params).train(data);
        return rows -> {
            List<Example<Event>> examples = new ArrayList<>(rows.length);
            for (double[] r : rows) {
                examples.add(new ArrayExample<>(AnomalyFactory.UNKNOWN_EVENT, names, r));
            }
            List<Prediction<Event>> predictions = model.predict(examples);
            double[] out = new double[rows.length];
            for (int i = 0; i < rows.length; i++) {
                out[i] = -predictions.get(i).getOutput().getScore();
            }
            return out;
        };
    }
}
