import numpy as np, sys
exec(open('stats.py').read().split("rng=")[0].split("dig=[]")[0])  # idx, imports
exec("def blur"+open('stats.py').read().split("def blur")[1].split("rng=")[0])
d=sys.argv[1]
def load(n):
    sc=np.loadtxt(f'{d}/{n}.csv',delimiter=',',skiprows=1); px=np.fromfile(f'{d}/{n}.f32',np.float32).reshape(-1,28,28); return sc,px
sets={n:load(n) for n in ['test','mnist','blur','glyphs','shapes','scribbles']}
cols=[0,1,2,5,6]
F=feats(tr)[:,cols]; mu=F.mean(0); P=np.linalg.inv(np.cov(F.T))
def stat(px): z=feats(px)[:,cols]-mu; return np.einsum('ij,jk,ik->i',z,P,z)
T,Tp=sets['test']; cal=slice(0,5000); ev=slice(5000,None)
comp={}
for n,(sc,px) in sets.items(): comp[n]=(sc[:,0],stat(px))
dc,sc_=comp['test'][0][cal],comp['test'][1][cal]
def tail(x,c,q): m=np.median(c); return (x-m)/(np.quantile(c,q)-m)
for q in [0.99,0.999]:
  def ens(n,sl=slice(None)): a,b=comp[n]; return np.maximum(tail(a[sl],dc,q),tail(b[sl],sc_,q))
  for name,f in [('deep',lambda n,sl=slice(None):comp[n][0][sl]),('stats',lambda n,sl=slice(None):comp[n][1][sl]),(f'max q{q}',ens)]:
    c=f('test',cal); t=np.quantile(c,0.99); e=f('test',ev)
    row=[f'{name:12s} fpr {(e>t).mean():.4f}']
    for n in ['mnist','blur','glyphs','shapes','scribbles']:
        o=f(n); row.append(f'{n} {auroc(e,o):.4f}/{(o>t).mean():.3f}')
    print(' | '.join(row))
print('--- unequal shares')
for qd,qs in [(0.99,0.999),(0.99,0.9995),(0.99,0.9999),(0.995,0.9999)]:
  def ens(n,sl=slice(None)): a,b=comp[n]; return np.maximum(tail(a[sl],dc,qd),tail(b[sl],sc_,qs))
  c=ens('test',cal); t=np.quantile(c,0.99); e=ens('test',ev)
  row=[f'qd {qd} qs {qs} fpr {(e>t).mean():.4f}']
  for n in ['mnist','blur','glyphs','shapes','scribbles']:
      o=ens(n); row.append(f'{n} {auroc(e,o):.4f}/{(o>t).mean():.3f}')
  print(' | '.join(row))
# stats-only fpr/blur at small quantiles
s=comp['test'][1]; 
for q in [0.99,0.995,0.999,0.9995]:
  t=np.quantile(s[cal],q); print('stats q',q,'ev fpr %.4f blur det %.3f'%((s[ev]>t).mean(),(comp['blur'][1]>t).mean()))
print('chi2-ish: stats on cal quantiles', np.quantile(s[cal],[0.5,0.9,0.99,0.999]), 'blur min', comp['blur'][1].min(), 'blur q01', np.quantile(comp['blur'][1],0.01))
